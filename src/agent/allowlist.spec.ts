import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Allowlist, resolveExecutable } from './allowlist';

describe('resolveExecutable', () => {
  let dir: string;
  let first: string;
  let second: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omninanny-allowlist-'));
    first = join(dir, 'first');
    second = join(dir, 'second');
    mkdirSync(first);
    mkdirSync(second);

    writeFileSync(join(first, 'plain-file'), '');
    writeFileSync(join(second, 'plain-file'), '#!/bin/sh\n');
    chmodSync(join(second, 'plain-file'), 0o755);
    writeFileSync(join(first, 'game'), '#!/bin/sh\n');
    chmodSync(join(first, 'game'), 0o755);
    writeFileSync(join(second, 'game'), '#!/bin/sh\n');
    chmodSync(join(second, 'game'), 0o755);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the first PATH match', () => {
    expect(resolveExecutable('game', `${first}:${second}`)).toBe(join(first, 'game'));
  });

  it('skips files that are not executable', () => {
    expect(resolveExecutable('plain-file', `${first}:${second}`)).toBe(join(second, 'plain-file'));
  });

  it('skips directories', () => {
    expect(resolveExecutable('second', dir)).toBeUndefined();
  });

  it('returns undefined when nothing matches', () => {
    expect(resolveExecutable('missing', `${first}:${second}`)).toBeUndefined();
  });

  it('keeps absolute paths, normalized', () => {
    expect(resolveExecutable('/usr/bin/../bin/env', '')).toBe('/usr/bin/env');
  });

  it('resolves relative paths against cwd', () => {
    expect(resolveExecutable('./first/game', '', dir)).toBe(join(first, 'game'));
  });
});

describe('Allowlist', () => {
  let dir: string;
  let game: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omninanny-allowlist-'));
    game = join(dir, 'game');
    writeFileSync(game, '#!/bin/sh\n');
    chmodSync(game, 0o755);
    writeFileSync(join(dir, 'other'), '#!/bin/sh\n');
    chmodSync(join(dir, 'other'), 0o755);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('allows a name resolving to an entry', () => {
    expect(new Allowlist([game], dir).resolveAllowed('game')).toBe(game);
  });

  it('allows a path matching a named entry', () => {
    expect(new Allowlist(['game'], dir).resolveAllowed(game)).toBe(game);
  });

  it('rejects other executables', () => {
    const allowlist = new Allowlist([game], dir);

    expect(allowlist.resolveAllowed('other')).toBeUndefined();
    expect(allowlist.resolveAllowed(join(dir, 'other'))).toBeUndefined();
    expect(allowlist.resolveAllowed('missing')).toBeUndefined();
  });

  it('rejects a name not found in PATH', () => {
    expect(new Allowlist([game], '/nonexistent').resolveAllowed('game')).toBeUndefined();
  });
});
