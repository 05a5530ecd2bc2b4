import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStateFile, STATE_FILE_NAME, StateFileError, writeStateFile } from './state-file';

describe('state file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omninanny-state-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the instance list', () => {
    const instances = [
      { instance: 'a', pid: 100, port: 7001, state: 'ready' as const },
      { instance: 'b', pid: 101, port: 7002, state: 'starting' as const },
    ];

    writeStateFile(join(dir, 'nested'), instances);

    expect(readStateFile(join(dir, 'nested'))).toEqual(instances);
    expect(readdirSync(join(dir, 'nested'))).toEqual([STATE_FILE_NAME]);
  });

  it('returns an empty list without a file', () => {
    expect(readStateFile(dir)).toEqual([]);
  });

  it('skips malformed entries', () => {
    const good = { instance: 'a', pid: 100, port: 7001, state: 'ready' };
    writeFileSync(join(dir, STATE_FILE_NAME), JSON.stringify([good, { instance: 'b', pid: -1, port: 7002, state: 'ready' }, null, { ...good, state: 'exited' }]));

    expect(readStateFile(dir)).toEqual([good]);
  });

  it('rejects invalid JSON naming the file', () => {
    writeFileSync(join(dir, STATE_FILE_NAME), '[{"instance":');

    expect(() => readStateFile(dir)).toThrow(StateFileError);
    expect(() => readStateFile(dir)).toThrow(join(dir, STATE_FILE_NAME));
  });

  it('rejects a non-array', () => {
    writeFileSync(join(dir, STATE_FILE_NAME), '{}');

    expect(() => readStateFile(dir)).toThrow('must contain a JSON array');
  });

  it('replaces the previous content', () => {
    writeStateFile(dir, [{ instance: 'a', pid: 100, port: 7001, state: 'ready' }]);
    writeStateFile(dir, []);

    expect(JSON.parse(readFileSync(join(dir, STATE_FILE_NAME), 'utf8'))).toEqual([]);
  });
});
