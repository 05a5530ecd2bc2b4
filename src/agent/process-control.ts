import { readFileSync } from 'node:fs';

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * Sends a signal to the process group led by `pid` (game servers are spawned with
 * `detached: true`, so each leads its own group and its children get the signal too). Falls
 * back to the process alone when the group is gone. Returns false when the process does
 * not exist or belongs to another user (ESRCH or EPERM), which for a game server that the
 * agent started means it is gone and its pid was reused.
 */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if (errorCode(error) !== 'ESRCH' && errorCode(error) !== 'EPERM') {
      throw error;
    }
  }

  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ESRCH' || errorCode(error) === 'EPERM') {
      return false;
    }
    throw error;
  }
}

/**
 * Reports whether `pid` is a live process of the agent's user. A zombie counts as dead:
 * an orphaned game server is re-parented to PID 1, and in a container PID 1 may never reap
 * it, so `kill(pid, 0)` alone would report it alive forever. The zombie check reads
 * `/proc/<pid>/stat` and is skipped where /proc does not exist.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH, or EPERM: the pid exists but belongs to another user, so it is not the game
    // server, which runs as the agent's user.
    return false;
  }
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }

  // The state letter follows the command name, which is in parentheses and may itself
  // contain spaces or parentheses, so parse from the last ')'.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state === 'Z' || state === 'X';
}

/** Describes an exit the way the `reason` field of the state reports does. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) {
    return `killed by ${signal}`;
  }
  return code === null ? 'exited' : `exited with code ${code}`;
}
