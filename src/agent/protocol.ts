/**
 * Events and payloads of the `/agent` Socket.IO namespace, shared by the worker agent and
 * the control plane. Every acknowledgement is `{ ok: true, ... }` or
 * `{ ok: false, code, message }` with an HTTP-like status code.
 */

export const AGENT_NAMESPACE = '/agent';

export const HELLO_EVENT = 'agent:hello';
export const HEARTBEAT_EVENT = 'agent:heartbeat';
export const STATE_EVENT = 'instance:state';
export const START_EVENT = 'instance:start';
export const STOP_EVENT = 'instance:stop';

/** Message of the `connect_error` that the control plane sends for a bad worker token. */
export const INVALID_WORKER_TOKEN = 'invalid worker token';

export type RunningState = 'starting' | 'ready';

/** A process that the agent runs, as listed in `agent:hello` and in the state file. */
export interface InstanceSummary {
  instance: string;
  pid: number;
  port: number;
  state: RunningState;
}

export interface HelloPayload {
  version: string;
  hostname: string;
  pid: number;
  instances: InstanceSummary[];
}

export interface WorkerIdentity {
  id: string;
  name: string;
}

export interface HelloAck {
  ok: true;
  worker: WorkerIdentity;
  heartbeat_seconds: number;
  stop: string[];
}

export type Readiness = { type: 'tcp' } | { type: 'log'; pattern: string } | { type: 'none' };

export interface StartRequest {
  instance: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  mode: string | null;
  players: string[];
  readiness: Readiness;
  start_timeout_seconds: number;
}

export interface StopRequest {
  instance: string;
  grace_seconds: number;
}

export interface ReadyReport {
  instance: string;
  state: 'ready';
}

export interface FailedReport {
  instance: string;
  state: 'failed';
  reason: string;
  exit_code: number | null;
  signal: string | null;
}

export interface ExitedReport {
  instance: string;
  state: 'exited';
  exit_code: number | null;
  signal: string | null;
  requested: boolean;
  reason: string;
}

/** Payload of `instance:state`. */
export type StateReport = ReadyReport | FailedReport | ExitedReport;

/** The report that ends an instance: no other report for it follows. */
export type FinalReport = FailedReport | ExitedReport;

export type AckOk = { ok: true } & Record<string, unknown>;
export type AckError = { ok: false; code: number; message: string };
export type Ack = AckOk | AckError;

/** An error that the agent sends back as `{ ok: false, code, message }`. */
export class AckFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  toAck(): AckError {
    return { ok: false, code: this.code, message: this.message };
  }
}
