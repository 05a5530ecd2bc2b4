import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * Resolves a command to an absolute path the way `which` does. A name with a slash is
 * taken relative to `cwd`. A bare name is looked up in each `PATH` directory in order and
 * must be an executable regular file there. Returns undefined when nothing matches.
 */
export function resolveExecutable(command: string, pathVariable = process.env.PATH ?? '', cwd = process.cwd()): string | undefined {
  if (command.length === 0) {
    return undefined;
  }
  if (isAbsolute(command) || command.includes('/')) {
    return resolve(cwd, command);
  }

  for (const directory of pathVariable.split(delimiter)) {
    // An empty PATH entry means the current directory, as in POSIX shells.
    const candidate = resolve(cwd, join(directory || '.', command));
    if (isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The executables that `instance:start` may run. A command is allowed when it resolves
 * (see resolveExecutable) to the same absolute path as one of the entries. Symbolic links
 * are not followed, so an entry allows the path it names and not the link's target.
 */
export class Allowlist {
  /** `searchPath` replaces the agent's `PATH` for the lookups, for tests. */
  constructor(
    private readonly entries: readonly string[],
    private readonly searchPath?: string,
  ) {}

  /** Returns the absolute path to run, or undefined when the command is not allowed. */
  resolveAllowed(command: string): string | undefined {
    const pathVariable = this.searchPath ?? process.env.PATH ?? '';
    const executable = resolveExecutable(command, pathVariable);
    if (executable === undefined) {
      return undefined;
    }

    const allowed = this.entries.some((entry) => resolveExecutable(entry, pathVariable) === executable);
    return allowed ? executable : undefined;
  }
}
