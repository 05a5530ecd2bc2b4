import { Logger } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { InstanceEvents, KillSchedule, ManagedInstance } from './managed-instance';
import { readLines, RecentLines } from './output-lines';
import { canConnect } from './ports';
import { describeExit } from './process-control';
import type { FinalReport, Readiness, RunningState, StartRequest } from './protocol';

const RECENT_LINE_COUNT = 20;
const TCP_POLL_INTERVAL_MS = 100;
const TCP_CONNECT_TIMEOUT_MS = 1000;
/** Grace between SIGTERM and SIGKILL when a start times out. */
const START_TIMEOUT_GRACE_SECONDS = 5;

/** Executable, arguments and environment of one `instance:start`, with placeholders, env and the allowlist applied. */
export interface LaunchSpec {
  request: StartRequest;
  executable: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * Waits for the child's `spawn` or `error` event, so that a missing executable (ENOENT)
 * or a permission error (EACCES) rejects here instead of surfacing as an exit later.
 */
function waitForSpawn(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
}

/**
 * A game server started by this agent: runs the readiness check, enforces the start
 * timeout and reports the exit. The readiness check starts on the next turn of the event
 * loop, after the caller has registered the instance and acknowledged the start.
 */
export class InstanceProcess implements ManagedInstance {
  readonly adopted = false;
  readonly instance: string;
  readonly port: number;
  readonly pid: number;
  readonly finished: Promise<void>;

  private readonly logger = new Logger(InstanceProcess.name);
  private readonly output = new RecentLines(RECENT_LINE_COUNT);
  private readonly killSchedule: KillSchedule;
  private currentState: RunningState = 'starting';
  private logPattern: RegExp | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private timeoutReason: string | undefined;
  private stopRequested = false;
  private exited = false;
  private resolveFinished!: () => void;

  /**
   * Spawns the game server without a shell, in its own process group. Resolves once the
   * process runs and rejects with the spawn error otherwise.
   */
  static async launch(spec: LaunchSpec, events: InstanceEvents): Promise<InstanceProcess> {
    const child = spawn(spec.executable, spec.args, {
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: spec.env,
    });

    await waitForSpawn(child);

    return new InstanceProcess(child, spec.request, events);
  }

  private constructor(
    child: ChildProcess,
    request: StartRequest,
    private readonly events: InstanceEvents,
  ) {
    this.instance = request.instance;
    this.port = request.port;
    this.pid = child.pid as number;
    this.killSchedule = new KillSchedule(this.pid, this.instance);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));

    child.on('error', (error) => this.logger.error(`instance ${this.instance} (pid ${this.pid}) process error: ${error.message}`));
    child.once('exit', (code, signal) => this.onExit(code, signal));
    readLines(child.stdout!, (line) => this.onOutputLine(line));
    readLines(child.stderr!, (line) => this.onOutputLine(line));

    const timeoutSeconds = request.start_timeout_seconds;
    this.startTimer = setTimeout(() => this.onStartTimeout(request.readiness, timeoutSeconds), timeoutSeconds * 1000);
    setImmediate(() => this.checkReadiness(request.readiness, timeoutSeconds));
  }

  get state(): RunningState {
    return this.currentState;
  }

  recentOutput(): string[] {
    return this.output.toArray();
  }

  stop(graceSeconds: number): void {
    if (this.exited) {
      return;
    }

    this.stopRequested = true;
    clearTimeout(this.startTimer);
    this.killSchedule.terminate(graceSeconds);
  }

  private isAwaitingReadiness(): boolean {
    return this.currentState === 'starting' && !this.exited && !this.stopRequested && this.timeoutReason === undefined;
  }

  private checkReadiness(readiness: Readiness, timeoutSeconds: number): void {
    if (!this.isAwaitingReadiness()) {
      return;
    }

    if (readiness.type === 'none') {
      this.markReady();
    } else if (readiness.type === 'log') {
      this.logPattern = new RegExp(readiness.pattern);
    } else {
      void this.pollPort(timeoutSeconds);
    }
  }

  /** Tries to connect every 100 ms until the port accepts, the start times out or the process ends. */
  private async pollPort(timeoutSeconds: number): Promise<void> {
    const maxAttempts = Math.ceil((timeoutSeconds * 1000) / TCP_POLL_INTERVAL_MS) + 1;

    for (let attempt = 0; attempt < maxAttempts && this.isAwaitingReadiness(); attempt++) {
      const accepted = await canConnect(this.port, TCP_CONNECT_TIMEOUT_MS);
      if (accepted && this.isAwaitingReadiness()) {
        this.markReady();
        return;
      }
      await delay(TCP_POLL_INTERVAL_MS);
    }
  }

  private onOutputLine(line: string): void {
    this.output.add(line);
    this.logger.debug(`[${this.instance}] ${line}`);

    if (this.logPattern?.test(line) && this.isAwaitingReadiness()) {
      this.markReady();
    }
  }

  private markReady(): void {
    this.currentState = 'ready';
    this.logPattern = undefined;
    clearTimeout(this.startTimer);

    this.logger.log(`instance ${this.instance} is ready (pid ${this.pid}, port ${this.port})`);
    this.events.onReady(this);
  }

  private onStartTimeout(readiness: Readiness, timeoutSeconds: number): void {
    if (!this.isAwaitingReadiness()) {
      return;
    }

    const condition = readiness.type === 'log' ? `no output line matched /${readiness.pattern}/` : `port ${this.port} accepted no connection`;
    this.timeoutReason = `start timeout: ${condition} within ${timeoutSeconds} s`;

    this.logger.warn(`instance ${this.instance} (pid ${this.pid}) failed: ${this.timeoutReason}; stopping it`);
    this.killSchedule.terminate(START_TIMEOUT_GRACE_SECONDS);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true;
    clearTimeout(this.startTimer);
    this.killSchedule.cancel();

    const report = this.finalReport(code, signal);
    this.logExit(report);

    this.events.onFinish(this, report);
    this.resolveFinished();
  }

  private finalReport(code: number | null, signal: NodeJS.Signals | null): FinalReport {
    if (this.timeoutReason !== undefined) {
      return { instance: this.instance, state: 'failed', reason: this.timeoutReason, exit_code: code, signal };
    }
    return {
      instance: this.instance,
      state: 'exited',
      exit_code: code,
      signal,
      requested: this.stopRequested,
      reason: describeExit(code, signal),
    };
  }

  private logExit(report: FinalReport): void {
    const summary = `instance ${this.instance} (pid ${this.pid}) ${describeExit(report.exit_code, report.signal as NodeJS.Signals | null)}`;

    if (report.state === 'exited' && (report.requested || report.exit_code === 0)) {
      this.logger.log(report.requested ? `${summary} after a stop request` : summary);
      return;
    }

    const lines = this.output.toArray();
    const lastOutput = lines.length > 0 ? `; last output:\n${lines.join('\n')}` : '; no output';
    this.logger.warn(`${summary}${lastOutput}`);
  }
}
