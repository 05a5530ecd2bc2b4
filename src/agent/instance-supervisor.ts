import { Logger } from '@nestjs/common';
import { AdoptedProcess } from './adopted-process';
import { Allowlist } from './allowlist';
import { buildChildEnv } from './child-env';
import { InstanceProcess } from './instance-process';
import { InstanceEvents, ManagedInstance } from './managed-instance';
import { parseStartRequest, parseStopRequest } from './payload-validation';
import { fillPlaceholders } from './placeholders';
import { isPortFree } from './ports';
import { isProcessAlive } from './process-control';
import { Ack, AckFailure, FinalReport, InstanceSummary, StartRequest, StateReport } from './protocol';
import { readStateFile, writeStateFile } from './state-file';
import { waitWithTimeout } from './wait';

export interface SupervisorOptions {
  stateDir: string;
  /** Executables that may be started; undefined allows any. */
  allowedCommands?: readonly string[];
  onReport(report: StateReport): void;
}

/** A running game server as shown to the agent's users and tests. */
export interface InstanceView extends InstanceSummary {
  adopted: boolean;
  recentOutput: string[];
}

/**
 * Starts, stops and tracks the game server processes of one agent, and keeps the state
 * file in step with them. It does not use the connection: requests arrive as payloads
 * and return acknowledgements, and state changes leave through onReport.
 */
export class InstanceSupervisor {
  private readonly logger = new Logger(InstanceSupervisor.name);
  private readonly instances = new Map<string, ManagedInstance>();
  private readonly allowlist: Allowlist | undefined;
  private readonly reservedIds = new Set<string>();
  private readonly reservedPorts = new Set<number>();
  private readonly launches = new Set<Promise<unknown>>();
  private readonly events: InstanceEvents = {
    onReady: (instance) => this.onReady(instance),
    onFinish: (instance, report) => this.onFinish(instance, report),
  };
  private closing = false;

  constructor(private readonly options: SupervisorOptions) {
    this.allowlist = options.allowedCommands ? new Allowlist(options.allowedCommands) : undefined;
  }

  /**
   * Adopts every process in the state file that is still alive and drops the others.
   * Throws StateFileError when the file is unreadable, so that the operator fixes it
   * instead of the agent forgetting running game servers.
   */
  adoptFromStateFile(): void {
    for (const entry of readStateFile(this.options.stateDir)) {
      if (this.instances.has(entry.instance)) {
        this.logger.warn(`state file lists instance ${entry.instance} twice; keeping pid ${this.instances.get(entry.instance)?.pid}`);
      } else if (isProcessAlive(entry.pid)) {
        this.instances.set(entry.instance, new AdoptedProcess(entry, this.events));
        this.logger.log(`adopted instance ${entry.instance} (pid ${entry.pid}, port ${entry.port}, ${entry.state})`);
      } else {
        this.logger.log(`dropped instance ${entry.instance} from the state file: pid ${entry.pid} is gone`);
      }
    }

    this.saveState();
  }

  list(): InstanceSummary[] {
    return [...this.instances.values()].map(({ instance, pid, port, state }) => ({ instance, pid, port, state }));
  }

  view(): InstanceView[] {
    return [...this.instances.values()].map((managed) => ({
      instance: managed.instance,
      pid: managed.pid,
      port: managed.port,
      state: managed.state,
      adopted: managed.adopted,
      recentOutput: managed.recentOutput(),
    }));
  }

  /** Handles `instance:start`: returns `{ok: true, pid}` or the error acknowledgement. */
  async start(payload: unknown): Promise<Ack> {
    const launch = this.launch(payload);
    this.launches.add(launch);

    try {
      return { ok: true, pid: await launch };
    } catch (error) {
      return this.toErrorAck(error, 'instance:start', payload);
    } finally {
      this.launches.delete(launch);
    }
  }

  /** Handles `instance:stop`: acknowledges at once with whether the instance runs here. */
  stop(payload: unknown): Ack {
    try {
      const request = parseStopRequest(payload);
      return { ok: true, running: this.stopInstance(request.instance, request.grace_seconds) };
    } catch (error) {
      return this.toErrorAck(error, 'instance:stop', payload);
    }
  }

  /** Sends SIGTERM, then SIGKILL after graceSeconds; returns false when the id is unknown. */
  stopInstance(id: string, graceSeconds: number): boolean {
    const managed = this.instances.get(id);
    if (!managed) {
      return false;
    }

    this.logger.log(`stopping instance ${id} (pid ${managed.pid}): SIGTERM, then SIGKILL after ${graceSeconds} s`);
    managed.stop(graceSeconds);
    return true;
  }

  /**
   * Rejects further starts, stops every instance and waits up to timeoutMs for them to
   * exit. Returns how many are still running after that wait.
   */
  async stopAll(graceSeconds: number, timeoutMs: number): Promise<number> {
    this.closing = true;
    const deadline = Date.now() + timeoutMs;

    // A start already past its checks registers its process when the spawn completes.
    await waitWithTimeout(Promise.allSettled([...this.launches]), timeoutMs);

    const running = [...this.instances.values()];
    for (const managed of running) {
      this.stopInstance(managed.instance, graceSeconds);
    }
    await waitWithTimeout(Promise.all(running.map((managed) => managed.finished)), Math.max(0, deadline - Date.now()));

    return this.instances.size;
  }

  private async launch(payload: unknown): Promise<number> {
    const request = parseStartRequest(payload);
    if (this.closing) {
      throw new AckFailure(503, `the worker agent is shutting down; start instance ${request.instance} on another worker`);
    }

    const executable = this.resolveCommand(request.command);
    this.reserve(request);
    try {
      await this.checkPort(request.port);
      const started = await this.spawn(request, executable);

      this.instances.set(request.instance, started);
      this.saveState();
      this.logger.log(`started instance ${request.instance}: ${request.command} (pid ${started.pid}, port ${request.port})`);
      return started.pid;
    } finally {
      this.reservedIds.delete(request.instance);
      this.reservedPorts.delete(request.port);
    }
  }

  /**
   * With an allowlist, returns the resolved absolute path, which is what gets spawned: a
   * `PATH` in the request's env then cannot swap in another file of the same name.
   */
  private resolveCommand(command: string): string {
    if (!this.allowlist) {
      return command;
    }

    const executable = this.allowlist.resolveAllowed(command);
    if (executable === undefined) {
      throw new AckFailure(403, `executable not allowed: ${command}`);
    }
    return executable;
  }

  /** Claims the id and port before the first await, so two concurrent starts cannot both pass. */
  private reserve(request: StartRequest): void {
    if (this.instances.has(request.instance) || this.reservedIds.has(request.instance)) {
      throw new AckFailure(409, `instance ${request.instance} is already running`);
    }
    if (this.reservedPorts.has(request.port) || this.list().some((managed) => managed.port === request.port)) {
      throw new AckFailure(409, `port ${request.port} is in use`);
    }

    this.reservedIds.add(request.instance);
    this.reservedPorts.add(request.port);
  }

  private async checkPort(port: number): Promise<void> {
    if (!(await isPortFree(port))) {
      throw new AckFailure(409, `port ${port} is in use`);
    }
  }

  private async spawn(request: StartRequest, executable: string): Promise<InstanceProcess> {
    const spec = {
      request,
      executable,
      args: fillPlaceholders(request.args, { port: request.port, instance: request.instance }),
      env: buildChildEnv(process.env, request),
    };

    try {
      return await InstanceProcess.launch(spec, this.events);
    } catch (error) {
      throw new AckFailure(400, `failed to start ${request.command}: ${(error as Error).message}`);
    }
  }

  private onReady(managed: ManagedInstance): void {
    this.saveState();
    this.options.onReport({ instance: managed.instance, state: 'ready' });
  }

  private onFinish(managed: ManagedInstance, report: FinalReport): void {
    if (this.instances.get(managed.instance) === managed) {
      this.instances.delete(managed.instance);
    }

    this.saveState();
    this.options.onReport(report);
  }

  private saveState(): void {
    try {
      writeStateFile(this.options.stateDir, this.list());
    } catch (error) {
      this.logger.error(
        `failed to write the state file in ${this.options.stateDir}: ${(error as Error).message}; ` +
          'an agent restarted now would not adopt the running game servers',
      );
    }
  }

  private toErrorAck(error: unknown, event: string, payload: unknown): Ack {
    const id = (payload as { instance?: unknown } | null)?.instance;
    const subject = typeof id === 'string' ? `${event} of instance ${JSON.stringify(id)}` : event;

    if (error instanceof AckFailure) {
      this.logger.warn(`rejected ${subject} with ${error.code}: ${error.message}`);
      return error.toAck();
    }

    this.logger.error(`${subject} failed: ${(error as Error).message}`, (error as Error).stack);
    return { ok: false, code: 500, message: `${event} failed in the worker agent: ${(error as Error).message}` };
  }
}
