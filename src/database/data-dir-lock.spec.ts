import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DataDirLockedError } from './data-dir-lock';

describe('acquireDataDirLock', () => {
  let dir: string;
  let lockPath: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omninanny-lock-'));
    lockPath = join(dir, 'pgdata.lock');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates and releases the lock file', () => {
    const release = acquireDataDirLock(lockPath);
    expect(existsSync(lockPath)).toBe(true);

    release();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('rejects a lock held by a live process', () => {
    // The parent process of the test runner is alive for the whole test.
    writeFileSync(lockPath, String(process.ppid));

    expect(() => acquireDataDirLock(lockPath)).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(lockPath)).toThrow(`process ${process.ppid}`);
  });

  it('takes over a lock left by a dead process', () => {
    const finished = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(lockPath, finished.stdout.toString());

    const release = acquireDataDirLock(lockPath);
    release();
  });
});
