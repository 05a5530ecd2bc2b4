import { Logger } from '@nestjs/common';
import { signalProcessGroup } from './process-control';
import type { FinalReport, RunningState } from './protocol';

/** Callbacks through which a game server process reports its state to its owner. */
export interface InstanceEvents {
  onReady(instance: ManagedInstance): void;
  /** Called once, when the process has exited; no other callback follows. */
  onFinish(instance: ManagedInstance, report: FinalReport): void;
}

/** A game server process that the agent started itself or adopted from an earlier agent. */
export interface ManagedInstance {
  readonly instance: string;
  readonly pid: number;
  readonly port: number;
  readonly state: RunningState;
  /** True for a process started by an earlier agent and found alive in the state file. */
  readonly adopted: boolean;
  /** Resolves after onFinish has been called. */
  readonly finished: Promise<void>;

  /** Last lines of standard output and error, oldest first (empty for adopted processes). */
  recentOutput(): string[];

  /** Sends SIGTERM to the process group, then SIGKILL if it is still alive after graceSeconds. */
  stop(graceSeconds: number): void;
}

/**
 * The SIGTERM-then-SIGKILL sequence for one process group. A later call with an earlier
 * deadline moves the SIGKILL forward, and cancel() drops it once the process has exited.
 */
export class KillSchedule {
  private readonly logger = new Logger(KillSchedule.name);
  private timer: NodeJS.Timeout | undefined;
  private deadline = Number.POSITIVE_INFINITY;

  constructor(
    private readonly pid: number,
    private readonly instance: string,
  ) {}

  terminate(graceSeconds: number): void {
    if (!signalProcessGroup(this.pid, 'SIGTERM')) {
      return;
    }

    const deadline = Date.now() + graceSeconds * 1000;
    if (deadline >= this.deadline) {
      return;
    }

    clearTimeout(this.timer);
    this.deadline = deadline;
    this.timer = setTimeout(() => this.kill(graceSeconds), graceSeconds * 1000);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private kill(graceSeconds: number): void {
    this.logger.warn(`instance ${this.instance} (pid ${this.pid}) is still running ${graceSeconds} s after SIGTERM; sending SIGKILL`);
    signalProcessGroup(this.pid, 'SIGKILL');
  }
}
