import { Logger } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { io, Socket } from 'socket.io-client';
import { parseHelloAck } from './payload-validation';
import { AGENT_NAMESPACE, HEARTBEAT_EVENT, HELLO_EVENT, HelloAck, HelloPayload, INVALID_WORKER_TOKEN } from './protocol';
import { RepeatedWarning } from './repeated-warning';

const ACK_TIMEOUT_MS = 10_000;
const HELLO_ATTEMPTS = 3;
const MIN_HEARTBEAT_MS = 1000;
const MAX_HEARTBEAT_MS = 3_600_000;
const RECONNECT_MIN_DELAY_MS = 500;
const RECONNECT_MAX_DELAY_MS = 5000;
const CONNECT_ERROR_LOG_INTERVAL_MS = 30_000;

export interface ConnectionHandlers {
  helloPayload(): HelloPayload;
  /** Called after each successful `agent:hello`, so once per (re)connection. */
  onRegistered(ack: HelloAck): void;
  /** Called once when the control plane rejects the token; the connection is closed then. */
  onFatal(error: Error): void;
  /** Handlers of the control plane's requests by event name; each sends its acknowledgement through `ack`. */
  requests: Record<string, (payload: unknown, ack: (body: unknown) => void) => void>;
  instanceCount(): number;
}

/** Raised by request() when there is no registered connection or it drops before the acknowledgement. */
export class NotConnectedError extends Error {}

/** Adds the cause of a transport error, which Socket.IO keeps in `description`, to its message. */
function describeConnectError(error: Error): string {
  const cause = (error as Error & { description?: { message?: unknown } }).description?.message;
  return typeof cause === 'string' && cause.length > 0 ? `${error.message} (${cause})` : error.message;
}

/**
 * The agent's Socket.IO connection to the control plane's `/agent` namespace. It sends
 * `agent:hello` after every (re)connect, then heartbeats, and reconnects after every
 * failure except a rejected token, which is fatal.
 */
export class ControlPlaneConnection {
  /** Scheme and host of the control plane, without credentials, path or query, for logs. */
  readonly displayUrl: string;

  private readonly logger = new Logger(ControlPlaneConnection.name);
  private readonly connectErrors: RepeatedWarning;
  private readonly namespaceUrl: string;
  private socket: Socket | undefined;
  /** Number of the current connection; work begun on an earlier one checks it and gives up. */
  private connection = 0;
  private registered = false;
  private closed = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatInFlight = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = RECONNECT_MIN_DELAY_MS;

  constructor(
    url: string,
    private readonly token: string,
    private readonly handlers: ConnectionHandlers,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`invalid control plane URL ${JSON.stringify(url)}: expected an absolute URL such as http://127.0.0.1:3000`);
    }
    if (token.length === 0) {
      throw new Error('the worker token is empty: pass the token that the control plane issued for this worker');
    }

    this.displayUrl = `${parsed.protocol}//${parsed.host}`;
    this.namespaceUrl = `${url.replace(/\/+$/, '')}${AGENT_NAMESPACE}`;
    this.connectErrors = new RepeatedWarning(this.logger, CONNECT_ERROR_LOG_INTERVAL_MS);
  }

  /** True while connected and `agent:hello` has succeeded on this connection. */
  get isRegistered(): boolean {
    return this.registered && this.socket?.connected === true;
  }

  open(): void {
    const socket = io(this.namespaceUrl, {
      auth: { token: this.token },
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: RECONNECT_MIN_DELAY_MS,
      reconnectionDelayMax: RECONNECT_MAX_DELAY_MS,
      // A Manager of its own, so that two agents in one process never share a connection.
      forceNew: true,
    });
    this.socket = socket;

    socket.on('connect', () => this.onConnect());
    socket.on('disconnect', (reason) => this.onDisconnect(reason));
    socket.on('connect_error', (error) => this.onConnectError(error));
    for (const [event, handler] of Object.entries(this.handlers.requests)) {
      socket.on(event, (payload: unknown, ack: unknown) => this.onRequest(event, handler, payload, ack));
    }

    this.logger.log(`connecting to the control plane at ${this.displayUrl}`);
  }

  /** Disconnects for good; no reconnect follows. */
  close(): void {
    this.closed = true;
    this.registered = false;
    this.stopHeartbeat();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.socket?.disconnect();
  }

  /**
   * Emits `event` on the registered connection and resolves with the acknowledgement.
   * Throws NotConnectedError when there is none or it drops first, and Socket.IO's
   * timeout error when no acknowledgement arrives within 10 s.
   */
  async request(event: string, payload: unknown): Promise<unknown> {
    const socket = this.socket;
    if (!socket || !this.isRegistered) {
      throw new NotConnectedError(`not connected to the control plane at ${this.displayUrl}`);
    }

    try {
      return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
    } catch (error) {
      if (!socket.connected) {
        throw new NotConnectedError(`the connection to ${this.displayUrl} dropped before ${event} was acknowledged`);
      }
      throw error;
    }
  }

  private onConnect(): void {
    this.connection += 1;
    this.registered = false;
    this.connectErrors.reset();

    void this.register(this.connection);
  }

  private isCurrent(connection: number): boolean {
    return connection === this.connection && !this.closed && this.socket?.connected === true;
  }

  /** Sends `agent:hello`, retrying twice on this connection before reconnecting. */
  private async register(connection: number): Promise<void> {
    for (let attempt = 1; attempt <= HELLO_ATTEMPTS; attempt++) {
      try {
        const ack = parseHelloAck(await this.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck(HELLO_EVENT, this.handlers.helloPayload()));
        if (this.isCurrent(connection)) {
          this.onRegistered(ack);
        }
        return;
      } catch (error) {
        if (!this.isCurrent(connection)) {
          return;
        }
        this.logger.warn(`${HELLO_EVENT} failed (attempt ${attempt} of ${HELLO_ATTEMPTS}): ${(error as Error).message}`);
      }

      await delay(attempt * 1000);
      if (!this.isCurrent(connection)) {
        return;
      }
    }

    this.logger.error(`${HELLO_EVENT} failed ${HELLO_ATTEMPTS} times; reconnecting to ${this.displayUrl}`);
    this.socket!.disconnect();
    this.scheduleReconnect();
  }

  private onRegistered(ack: HelloAck): void {
    this.registered = true;
    this.reconnectDelayMs = RECONNECT_MIN_DELAY_MS;
    this.startHeartbeat(ack.heartbeat_seconds);

    this.handlers.onRegistered(ack);
  }

  private onDisconnect(reason: string): void {
    this.registered = false;
    this.stopHeartbeat();
    if (this.closed) {
      return;
    }

    this.logger.warn(`disconnected from ${this.displayUrl} (${reason}); reconnecting`);

    // Socket.IO reconnects by itself after transport errors, but not after the server
    // disconnected the socket on purpose.
    if (reason === 'io server disconnect') {
      this.scheduleReconnect();
    }
  }

  private onConnectError(error: Error): void {
    if (error.message === INVALID_WORKER_TOKEN) {
      this.close();
      this.handlers.onFatal(
        new Error(
          `${INVALID_WORKER_TOKEN}: the control plane at ${this.displayUrl} rejected the worker token; ` +
            'use a token that the control plane issued for this worker',
        ),
      );
      return;
    }

    this.connectErrors.warn(`failed to connect to the control plane at ${this.displayUrl}: ${describeConnectError(error)}; retrying`);

    // After a rejection by a server middleware the socket is inactive and Socket.IO
    // leaves the retry to the application.
    if (this.socket?.active === false) {
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) {
      return;
    }

    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closed && this.socket?.active === false) {
        this.socket.connect();
      }
    }, this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_DELAY_MS);
  }

  private onRequest(event: string, handler: ConnectionHandlers['requests'][string], payload: unknown, ack: unknown): void {
    if (typeof ack !== 'function') {
      this.logger.warn(`${event} arrived without an acknowledgement callback; ignored`);
      return;
    }

    handler(payload, ack as (body: unknown) => void);
  }

  private startHeartbeat(seconds: number): void {
    this.stopHeartbeat();

    const intervalMs = Math.min(Math.max(seconds * 1000, MIN_HEARTBEAT_MS), MAX_HEARTBEAT_MS);
    this.heartbeatTimer = setInterval(() => void this.sendHeartbeat(), intervalMs);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private async sendHeartbeat(): Promise<void> {
    if (this.heartbeatInFlight) {
      return;
    }

    this.heartbeatInFlight = true;
    try {
      const ack = (await this.request(HEARTBEAT_EVENT, { instances: this.handlers.instanceCount() })) as { ok?: unknown } | undefined;
      if (ack?.ok !== true) {
        this.logger.warn(`the control plane rejected ${HEARTBEAT_EVENT}: ${JSON.stringify(ack)}`);
      }
    } catch (error) {
      if (!(error instanceof NotConnectedError)) {
        this.logger.warn(`${HEARTBEAT_EVENT} got no acknowledgement: ${(error as Error).message}`);
      }
    } finally {
      this.heartbeatInFlight = false;
    }
  }
}
