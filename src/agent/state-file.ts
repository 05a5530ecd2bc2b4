import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { InstanceSummary } from './protocol';

export const STATE_FILE_NAME = 'instances.json';

/**
 * Raised when the state file exists but cannot be read or parsed. The message names the
 * file, so the operator can fix or delete it.
 */
export class StateFileError extends Error {}

function isInstanceSummary(value: unknown): value is InstanceSummary {
  const entry = value as Partial<InstanceSummary> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.instance === 'string' &&
    Number.isInteger(entry.pid) &&
    (entry.pid as number) > 0 &&
    Number.isInteger(entry.port) &&
    (entry.state === 'starting' || entry.state === 'ready')
  );
}

/**
 * Reads the processes that an earlier agent recorded in `stateDir`. Returns an empty list
 * when the file does not exist, skips entries of the wrong shape, and throws
 * StateFileError when the file is unreadable or not a JSON array.
 */
export function readStateFile(stateDir: string): InstanceSummary[] {
  const path = join(stateDir, STATE_FILE_NAME);

  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return [];
    }
    throw new StateFileError(`failed to read the state file ${path}: ${(error as Error).message}; fix its permissions or delete it`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(`the state file ${path} is not valid JSON (${(error as Error).message}); fix or delete it`);
  }
  if (!Array.isArray(parsed)) {
    throw new StateFileError(`the state file ${path} must contain a JSON array; fix or delete it`);
  }

  return parsed.filter(isInstanceSummary).map(({ instance, pid, port, state }) => ({ instance, pid, port, state }));
}

/**
 * Replaces the state file atomically. The list is written and flushed to a temporary file
 * in the same directory, which is then renamed over the old file. A crash therefore leaves
 * either the old or the new list, never a partial one.
 */
export function writeStateFile(stateDir: string, instances: readonly InstanceSummary[]): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });

  const path = join(stateDir, STATE_FILE_NAME);
  const temporaryPath = `${path}.${process.pid}.tmp`;

  const fd = openSync(temporaryPath, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(instances, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }

  renameSync(temporaryPath, path);
}
