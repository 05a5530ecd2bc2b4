import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { ChatApi } from './chat';
import { CommandInbox } from './command-inbox';
import { InvalidTokenError, OmninannyError } from './errors';
import { MatchmakingWaits } from './matchmaking';
import {
  CLIENT_EVENTS,
  SERVER_EVENTS,
  type ChatMessage,
  type CommandEvent,
  type Match,
  type MatchFailure,
  type MatchmakingJoinRequest,
  type UserInfo,
} from './protocol';
import { sendRequest, type Requester } from './requests';
import { TypedEmitter } from './typed-emitter';

/** Message of the handshake error that the server returns for a malformed, expired or revoked token. */
const INVALID_TOKEN_MESSAGE = 'invalid token';

const DEFAULT_ACK_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Optional sink for the client's diagnostics; the client writes nothing without one. */
export interface ClientLogger {
  debug?(message: string): void;
  warn?(message: string): void;
}

export interface OmninannyClientOptions {
  /** User token, as returned by the server's user API. */
  token: string;
  /** Reconnect after a lost connection with Socket.IO's backoff; default true. */
  reconnection?: boolean;
  /** Maximum wait for the acknowledgement of each request, in milliseconds; default 10,000. */
  ackTimeoutMs?: number;
  /** Maximum wait of connect() for the first connection, in milliseconds; default 10,000. */
  connectTimeoutMs?: number;
  /** Acknowledge persisted commands once the `command` listeners have finished; default true. */
  autoAck?: boolean;
  /** Socket.IO transports to try, in order. Default: Socket.IO's own, which starts with long polling and upgrades to WebSocket. */
  transports?: ('websocket' | 'polling')[];
  /** Further Socket.IO client options; `auth` and `autoConnect` are set by the client and cannot be overridden. */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  logger?: ClientLogger;
}

/** Options of `join()`. */
export interface JoinOptions {
  /**
   * Maximum wait for the match after the server returned the ticket, in milliseconds. On
   * timeout the client cancels the ticket with `matchmaking:leave`. Default: no limit.
   */
  timeoutMs?: number;
}

/** Events of OmninannyClient and the signatures of their listeners. */
export type ClientEvents = {
  /**
   * A command, delivered once per id. A persisted command is acknowledged after every
   * listener has returned, or after the promises they returned have resolved.
   */
  command: (command: CommandEvent) => void | Promise<void>;
  chat: (message: ChatMessage) => void;
  /** A `matchmaking:matched` event of any ticket of the user, including another device's. */
  matched: (match: Match) => void;
  matchFailed: (failure: MatchFailure) => void;
  connect: () => void;
  /** Socket.IO's disconnect reason, for example `io server disconnect` or `transport close`. */
  disconnect: (reason: string) => void;
  /**
   * Errors that no call returns: failed command acknowledgements, failed listeners, a
   * reconnection rejected by the server, a channel that could not be joined again.
   */
  error: (error: Error) => void;
};

interface PendingConnect {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Typed client of the game-client protocol of an Omninanny server: one Socket.IO
 * connection authenticated with a user token, with requests that return the
 * acknowledgement's result and typed events.
 */
export class OmninannyClient extends TypedEmitter<ClientEvents> {
  readonly chat: ChatApi;

  private readonly io: Socket;
  private readonly options: OmninannyClientOptions;
  private readonly ackTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly commands: CommandInbox;
  private readonly matchmaking = new MatchmakingWaits();
  private readonly request: Requester;
  private pendingConnect?: PendingConnect;

  constructor(
    private readonly url: string,
    options: OmninannyClientOptions,
  ) {
    super();
    if (typeof options?.token !== 'string' || options.token.length === 0) {
      throw new TypeError('options.token is missing: pass the user token that the server issued for this user');
    }
    this.options = options;
    this.ackTimeoutMs = positiveMs(options.ackTimeoutMs, DEFAULT_ACK_TIMEOUT_MS, 'ackTimeoutMs');
    this.connectTimeoutMs = positiveMs(options.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'connectTimeoutMs');

    this.io = io(url, {
      // Each client gets its own connection, because the token is per connection.
      forceNew: true,
      ...options.socketOptions,
      ...(options.transports ? { transports: options.transports } : {}),
      reconnection: options.reconnection ?? options.socketOptions?.reconnection ?? true,
      autoConnect: false,
      auth: { token: options.token },
    });
    this.request = (event, payload) => sendRequest(this.io, this.ackTimeoutMs, event, payload);
    this.chat = new ChatApi(this.request);
    this.commands = new CommandInbox({
      autoAck: options.autoAck ?? true,
      dispatch: (command) => this.emit('command', command),
      acknowledge: (id) => this.ackCommand(id),
      reportError: (error) => this.reportError(error),
    });
    this.listen();
  }

  /** Creates a client and waits for its first connection; see connect() for the errors. */
  static async connect(url: string, options: OmninannyClientOptions): Promise<OmninannyClient> {
    const client = new OmninannyClient(url, options);
    await client.connect();
    return client;
  }

  get connected(): boolean {
    return this.io.connected;
  }

  /** The underlying Socket.IO socket, for what the client does not cover. */
  get socket(): Socket {
    return this.io;
  }

  /**
   * Opens the connection and resolves on the first successful connection. Rejects with
   * InvalidTokenError when the server rejects the token, with OmninannyError 408 after
   * `connectTimeoutMs`, and with OmninannyError 503 when the connection fails and will not
   * be retried. After a rejection the client is closed, and connect() may be called again.
   */
  connect(): Promise<void> {
    if (this.io.connected) {
      return Promise.resolve();
    }
    if (this.pendingConnect) {
      return Promise.reject(new OmninannyError(409, 'connect() is already in progress: wait for the first call to settle'));
    }

    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.failConnect(new OmninannyError(408, `timed out connecting to ${this.url} after ${this.connectTimeoutMs} ms`));
      }, this.connectTimeoutMs);

      this.pendingConnect = {
        resolve: () => {
          clearTimeout(timer);
          this.pendingConnect = undefined;
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          this.pendingConnect = undefined;
          reject(error);
        },
      };
      this.io.connect();
    });
  }

  /**
   * Closes the connection and stops reconnecting. A pending connect() rejects with
   * OmninannyError 503, and pending join() calls reject with MatchmakingError('closed').
   */
  close(): void {
    // Before disconnecting, so that waiting joins end as `closed` rather than `disconnected`.
    this.matchmaking.endAll('closed');
    this.io.disconnect();
    this.pendingConnect?.reject(new OmninannyError(503, `connecting to ${this.url} was aborted because close() was called`));
  }

  /** Returns the connected user and their current match. */
  async me(): Promise<UserInfo> {
    const { ok: _ok, ...user } = await this.request<UserInfo>(CLIENT_EVENTS.userMe);
    return user;
  }

  /** Acknowledges a persisted command, so the server stops redelivering it. Needed only with `autoAck: false`. */
  async ackCommand(id: string): Promise<void> {
    await this.request(CLIENT_EVENTS.commandAck, { id });
  }

  /**
   * Requests a match in the mode and resolves with the `matchmaking:matched` payload of the
   * returned ticket. Rejects with the request's OmninannyError (404 when no server plays the
   * mode, 409 when the user already waits or plays), or with MatchmakingError on
   * `matchmaking:failed` for the ticket, on leave(), on close(), when the connection drops
   * or after `timeoutMs`.
   */
  async join(mode: string, properties?: Record<string, unknown>, options: JoinOptions = {}): Promise<Match> {
    const timeoutMs = options.timeoutMs === undefined ? undefined : positiveMs(options.timeoutMs, 0, 'timeoutMs');
    const payload: MatchmakingJoinRequest = properties === undefined ? { mode } : { mode, properties };

    const pending = this.matchmaking.start();
    let ticket: string;
    try {
      ({ ticket } = await this.request<{ ticket: string }>(CLIENT_EVENTS.matchmakingJoin, payload));
    } catch (error) {
      this.matchmaking.abandon(pending);
      throw error;
    }

    return this.matchmaking.wait(pending, ticket, timeoutMs, () => {
      this.request(CLIENT_EVENTS.matchmakingLeave, {}).catch((error: unknown) => {
        this.reportError(new Error(`could not cancel matchmaking ticket ${ticket} after its timeout: ${(error as Error).message}`, { cause: error }));
      });
    });
  }

  /**
   * Cancels the user's waiting matchmaking ticket and returns whether one was cancelled.
   * When one was, every pending join() rejects with MatchmakingError('cancelled'). When none
   * was, pending joins keep waiting, because their match may already be on its way.
   */
  async leave(): Promise<boolean> {
    const { cancelled } = await this.request<{ cancelled: boolean }>(CLIENT_EVENTS.matchmakingLeave, {});
    if (cancelled) {
      this.matchmaking.endAll('cancelled');
    }
    return cancelled;
  }

  private listen(): void {
    this.io.on('connect', () => {
      this.options.logger?.debug?.(`connected to ${this.url} as socket ${this.io.id}`);
      this.pendingConnect?.resolve();
      void this.rejoinChannels();
      this.safeEmit('connect');
    });
    this.io.on('disconnect', (reason) => {
      this.options.logger?.debug?.(`disconnected from ${this.url}: ${reason}`);
      this.matchmaking.endAll('disconnected');
      this.safeEmit('disconnect', reason);
    });
    this.io.on('connect_error', (error) => this.handleConnectError(error));
    this.io.io.on('reconnect_failed', () => {
      this.failConnect(new OmninannyError(503, `could not connect to ${this.url}: every reconnection attempt failed`));
    });

    this.io.on(SERVER_EVENTS.command, (payload: unknown) => {
      if (this.isValid(SERVER_EVENTS.command, payload, ['id'])) {
        this.commands.receive(payload as CommandEvent);
      }
    });
    this.io.on(SERVER_EVENTS.matchmakingMatched, (payload: unknown) => {
      if (this.isValid(SERVER_EVENTS.matchmakingMatched, payload, ['ticket'])) {
        this.matchmaking.matched(payload as Match);
        this.safeEmit('matched', payload as Match);
      }
    });
    this.io.on(SERVER_EVENTS.matchmakingFailed, (payload: unknown) => {
      if (this.isValid(SERVER_EVENTS.matchmakingFailed, payload, ['ticket', 'reason'])) {
        this.matchmaking.failed(payload as MatchFailure);
        this.safeEmit('matchFailed', payload as MatchFailure);
      }
    });
    this.io.on(SERVER_EVENTS.chatMessage, (payload: unknown) => {
      if (this.isValid(SERVER_EVENTS.chatMessage, payload, ['id', 'text'])) {
        this.safeEmit('chat', payload as ChatMessage);
      }
    });
  }

  private async rejoinChannels(): Promise<void> {
    for (const error of await this.chat.rejoinChannels()) {
      this.reportError(error);
    }
  }

  private handleConnectError(error: Error): void {
    if (error.message === INVALID_TOKEN_MESSAGE) {
      // The server rejects the same token on every attempt, so stop the reconnection loop.
      this.io.disconnect();
      this.failConnect(new InvalidTokenError());
      return;
    }

    // A rejection by a server middleware ends the socket's attempts, as does any error with reconnection off.
    const retrying = this.io.active && this.io.io.reconnection();
    if (!retrying) {
      this.io.disconnect();
      this.failConnect(new OmninannyError(503, `could not connect to ${this.url}: ${error.message}`));
      return;
    }
    this.options.logger?.debug?.(`connecting to ${this.url} failed, retrying: ${error.message}`);
  }

  /** Rejects the pending connect() with the error, or reports it when no connect() waits. */
  private failConnect(error: OmninannyError): void {
    if (this.pendingConnect) {
      this.io.disconnect();
      this.pendingConnect.reject(error);
    } else {
      this.reportError(error);
    }
  }

  /** Emits an `error` event, or passes the error to `logger.warn` when no listener takes it. */
  private reportError(error: Error): void {
    if (this.listenerCount('error') === 0) {
      this.options.logger?.warn?.(error.message);
      return;
    }
    this.safeEmit('error', error);
  }

  /** Emits an event from a socket callback, where a listener's throw would break Socket.IO's dispatch. */
  private safeEmit<E extends keyof ClientEvents>(event: E, ...args: Parameters<ClientEvents[E]>): void {
    try {
      this.emit(event, ...args);
    } catch (error) {
      const failure = new Error(`a listener of the "${String(event)}" event failed: ${(error as Error)?.message ?? String(error)}`, { cause: error });
      if (event === 'error') {
        this.options.logger?.warn?.(failure.message);
      } else {
        this.reportError(failure);
      }
    }
  }

  private isValid(event: string, payload: unknown, stringFields: string[]): boolean {
    const valid =
      typeof payload === 'object' &&
      payload !== null &&
      stringFields.every((field) => typeof (payload as Record<string, unknown>)[field] === 'string');
    if (!valid) {
      this.options.logger?.warn?.(`ignored a ${event} event without the string fields ${stringFields.join(', ')}`);
    }
    return valid;
  }
}

function positiveMs(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) {
    return fallback;
  }
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}
