import { Logger } from '@nestjs/common';
import { InstanceEvents, KillSchedule, ManagedInstance } from './managed-instance';
import { isProcessAlive } from './process-control';
import type { InstanceSummary, RunningState } from './protocol';

const LIVENESS_POLL_MS = 1000;

export const ADOPTED_EXIT_REASON = 'exited (adopted process, exit code unknown)';

/**
 * A game server that an earlier agent started and recorded in the state file. It is not
 * this agent's child, so its exit status cannot be read: the agent polls its liveness
 * every second and reports `exited` with no code or signal once it is gone.
 *
 * NOTE: the OS may reuse the pid of a process that exited while no agent ran, and then
 * an unrelated process of the same user is adopted and may be signalled. The state file
 * keeps no process start time to tell them apart.
 *
 * An adopted process keeps the state recorded in the file: a readiness check that the
 * earlier agent did not finish is not resumed, so a `starting` entry stays `starting`.
 *
 * NOTE: the adopted process lost the pipes to its standard output and error when the
 * earlier agent died, so a server that keeps writing there may get SIGPIPE or EPIPE.
 */
export class AdoptedProcess implements ManagedInstance {
  readonly adopted = true;
  readonly instance: string;
  readonly pid: number;
  readonly port: number;
  readonly state: RunningState;
  readonly finished: Promise<void>;

  private readonly logger = new Logger(AdoptedProcess.name);
  private readonly killSchedule: KillSchedule;
  private readonly pollTimer: NodeJS.Timeout;
  private stopRequested = false;
  private gone = false;
  private resolveFinished!: () => void;

  constructor(
    summary: InstanceSummary,
    private readonly events: InstanceEvents,
  ) {
    this.instance = summary.instance;
    this.pid = summary.pid;
    this.port = summary.port;
    this.state = summary.state;
    this.killSchedule = new KillSchedule(this.pid, this.instance);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));

    // Unreferenced, so that polling alone does not keep a stopped agent's process alive.
    this.pollTimer = setInterval(() => this.checkLiveness(), LIVENESS_POLL_MS);
    this.pollTimer.unref();
  }

  recentOutput(): string[] {
    return [];
  }

  stop(graceSeconds: number): void {
    // Once the process is gone its pid may belong to another process, which must not be signalled.
    if (this.gone) {
      return;
    }

    this.stopRequested = true;
    this.killSchedule.terminate(graceSeconds);
  }

  private checkLiveness(): void {
    if (isProcessAlive(this.pid)) {
      return;
    }

    this.gone = true;
    clearInterval(this.pollTimer);
    this.killSchedule.cancel();
    this.logger.log(`adopted instance ${this.instance} (pid ${this.pid}) is gone${this.stopRequested ? ' after a stop request' : ''}`);

    this.events.onFinish(this, {
      instance: this.instance,
      state: 'exited',
      exit_code: null,
      signal: null,
      requested: this.stopRequested,
      reason: ADOPTED_EXIT_REASON,
    });
    this.resolveFinished();
  }
}
