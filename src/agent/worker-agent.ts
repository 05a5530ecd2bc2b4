import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ControlPlaneConnection, NotConnectedError } from './control-plane-connection';
import { InstanceSupervisor, InstanceView } from './instance-supervisor';
import { DeliveryResult, Outbox } from './outbox';
import { HelloAck, HelloPayload, START_EVENT, STATE_EVENT, StateReport, STOP_EVENT, WorkerIdentity } from './protocol';

export interface WorkerAgentOptions {
  /** Control plane base URL, such as `http://127.0.0.1:3000`; the agent adds `/agent`. */
  url: string;
  /** Worker token that the control plane issued; sent in the handshake and never logged. */
  token: string;
  /** Executables that `instance:start` may run, as absolute paths or names found in PATH; unset allows any. */
  allowedCommands?: string[];
  /** Directory of the state file, which lets a restarted agent adopt running game servers. */
  stateDir: string;
  /** Version sent in `agent:hello`; defaults to the version in package.json. */
  version?: string;
  /**
   * Called when the control plane rejects the worker token after start() has resolved.
   * The agent has then disconnected for good and leaves its game servers running.
   */
  onFatalError?: (error: Error) => void;
}

/** Grace for instances stopped by reconciliation or by stop(). */
const STOP_GRACE_SECONDS = 5;
const SHUTDOWN_EXIT_WAIT_MS = STOP_GRACE_SECONDS * 1000 + 5000;
const SHUTDOWN_FLUSH_WAIT_MS = 5000;

function readPackageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The worker agent: connects to the control plane's `/agent` namespace, starts and stops
 * game servers on its requests and reports their state. State reports are delivered at
 * least once: they wait in an outbox across disconnections and are resent after the next
 * `agent:hello`.
 */
export class WorkerAgent {
  private readonly logger = new Logger(WorkerAgent.name);
  private readonly supervisor: InstanceSupervisor;
  private readonly outbox: Outbox;
  private readonly connection: ControlPlaneConnection;
  private readonly version: string;

  private identity: WorkerIdentity | undefined;
  private starting: Promise<WorkerIdentity> | undefined;
  private pendingStart: { resolve(worker: WorkerIdentity): void; reject(error: Error): void } | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: WorkerAgentOptions) {
    this.version = options.version ?? readPackageVersion();

    this.connection = new ControlPlaneConnection(options.url, options.token, {
      helloPayload: () => this.helloPayload(),
      onRegistered: (ack) => this.onRegistered(ack),
      onFatal: (error) => this.onFatal(error),
      requests: {
        [START_EVENT]: (payload, ack) => void this.supervisor.start(payload).then(ack),
        [STOP_EVENT]: (payload, ack) => ack(this.supervisor.stop(payload)),
      },
      instanceCount: () => this.supervisor.list().length,
    });
    this.outbox = new Outbox(
      (report) => this.deliver(report),
      () => this.connection.isRegistered,
    );
    this.supervisor = new InstanceSupervisor({
      stateDir: options.stateDir,
      allowedCommands: options.allowedCommands,
      onReport: (report) => this.outbox.push(report),
    });
  }

  /** Game servers this agent runs, including adopted ones; a snapshot, for tests and diagnostics. */
  get instances(): readonly InstanceView[] {
    return this.supervisor.view();
  }

  /** Identity from the last successful `agent:hello`. */
  get worker(): WorkerIdentity | undefined {
    return this.identity;
  }

  /** State reports not yet acknowledged by the control plane. */
  get pendingReports(): readonly StateReport[] {
    return this.outbox.reports();
  }

  /**
   * Adopts the live processes from the state file, connects, and resolves with the
   * worker's identity after the first successful `agent:hello`. Rejects when the control
   * plane rejects the token (`invalid worker token`), when the state file is unreadable,
   * or when stop() is called first. Other connection errors are retried without limit.
   */
  start(): Promise<WorkerIdentity> {
    if (this.stopping) {
      return Promise.reject(new Error('this worker agent was stopped; create a new WorkerAgent to start again'));
    }
    if (this.starting) {
      return this.starting;
    }

    this.starting = new Promise((resolve, reject) => {
      this.pendingStart = { resolve, reject };
    });

    try {
      this.supervisor.adoptFromStateFile();
      this.connection.open();
    } catch (error) {
      this.rejectStart(error as Error);
    }
    return this.starting;
  }

  /**
   * Stops every instance (SIGTERM, then SIGKILL after 5 s), waits up to 10 s for them to
   * exit and up to 5 s more for the control plane to acknowledge the remaining state
   * reports, then disconnects. Safe to call more than once.
   */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = this.shutdown();
    }
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.logger.log('stopping the worker agent: stopping every instance, then sending the last state reports');
    this.rejectStart(new Error('the worker agent was stopped before it registered with the control plane'));

    const stillRunning = await this.supervisor.stopAll(STOP_GRACE_SECONDS, SHUTDOWN_EXIT_WAIT_MS);
    if (stillRunning > 0) {
      this.logger.warn(`${stillRunning} instances did not exit within ${SHUTDOWN_EXIT_WAIT_MS / 1000} s; they stay in the state file`);
    }

    void this.outbox.flush();
    if (!(await this.outbox.waitUntilEmpty(SHUTDOWN_FLUSH_WAIT_MS))) {
      this.logger.warn(`${this.outbox.size} state reports were not acknowledged within ${SHUTDOWN_FLUSH_WAIT_MS / 1000} s and are lost`);
    }

    this.outbox.close();
    this.connection.close();
    this.logger.log('worker agent stopped');
  }

  private helloPayload(): HelloPayload {
    return { version: this.version, hostname: hostname(), pid: process.pid, instances: this.supervisor.list() };
  }

  private onRegistered(ack: HelloAck): void {
    const firstTime = this.identity === undefined;
    this.identity = ack.worker;

    this.logger.log(
      `${firstTime ? 'registered' : 'registered again'} with ${this.connection.displayUrl} as worker ${ack.worker.name} (${ack.worker.id}); ` +
        `${this.supervisor.list().length} instances running, ${this.outbox.size} state reports to send`,
    );

    for (const id of ack.stop) {
      this.logger.log(`the control plane no longer considers instance ${id} live`);
      this.supervisor.stopInstance(id, STOP_GRACE_SECONDS);
    }

    this.pendingStart?.resolve(ack.worker);
    this.pendingStart = undefined;

    void this.outbox.resume();
  }

  /** Gives up for good, since the token will not become valid by retrying; game servers keep running. */
  private onFatal(error: Error): void {
    this.outbox.close();

    if (this.pendingStart) {
      this.rejectStart(error);
      return;
    }

    this.logger.error(`${error.message}; disconnected for good, leaving ${this.supervisor.list().length} instances running`);
    this.options.onFatalError?.(error);
  }

  private rejectStart(error: Error): void {
    this.pendingStart?.reject(error);
    this.pendingStart = undefined;
  }

  private async deliver(report: StateReport): Promise<DeliveryResult> {
    const subject = `${STATE_EVENT} ${report.state} of instance ${report.instance}`;

    let ack: { ok?: unknown; code?: unknown; message?: unknown } | undefined;
    try {
      ack = (await this.connection.request(STATE_EVENT, report)) as typeof ack;
    } catch (error) {
      if (error instanceof NotConnectedError) {
        return 'disconnected';
      }
      this.logger.warn(`${subject} got no acknowledgement: ${(error as Error).message}; will retry`);
      return 'retry';
    }

    if (ack?.ok === true) {
      return 'delivered';
    }

    const code = typeof ack?.code === 'number' ? ack.code : undefined;
    if (code !== undefined && code >= 400 && code < 500) {
      this.logger.warn(`the control plane rejected ${subject} (${code} ${String(ack?.message)}); dropping it`);
      return 'rejected';
    }

    this.logger.warn(`${subject} failed: ${JSON.stringify(ack)}; will retry`);
    return 'retry';
  }
}
