import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';

export const GOOD_TOKEN = 'good-token';

/** Returns the acknowledgement to send, or undefined to leave the request without an acknowledgement. */
export type FakeHandler = (payload: unknown, socket: Socket) => object | undefined;

export interface ReceivedEvent {
  event: string;
  payload: unknown;
}

/**
 * A real Socket.IO server on 127.0.0.1 that plays the game-client protocol with canned
 * acknowledgements. Tests replace handlers to script errors, silence and server-sent events.
 */
export class FakeServer {
  /** Handshakes that reached the authentication middleware, accepted or not. */
  handshakes = 0;
  received: ReceivedEvent[] = [];
  /** When set, the middleware never calls next(), so the handshake hangs. */
  stallHandshakes = false;

  private handlers = new Map<string, FakeHandler>();
  private ticketCount = 0;

  private constructor(
    readonly io: Server,
    private readonly http: HttpServer,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeServer> {
    const http = createServer();
    const io = new Server(http);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;

    const server = new FakeServer(io, http, `http://127.0.0.1:${port}`);
    server.reset();
    io.use((socket, next) => {
      server.handshakes += 1;
      if (server.stallHandshakes) {
        return;
      }
      next(socket.handshake.auth?.token === GOOD_TOKEN ? undefined : new Error('invalid token'));
    });
    io.on('connection', (socket) => server.serve(socket));
    return server;
  }

  /** Restores the default handlers and clears the counters between tests. */
  reset(): void {
    this.handshakes = 0;
    this.received = [];
    this.stallHandshakes = false;
    this.ticketCount = 0;
    this.handlers = new Map(Object.entries(this.defaultHandlers()));
  }

  handle(event: string, handler: FakeHandler): void {
    this.handlers.set(event, handler);
  }

  payloadsOf(event: string): unknown[] {
    return this.received.filter((received) => received.event === event).map((received) => received.payload);
  }

  emitToAll(event: string, payload: object): void {
    this.io.emit(event, payload);
  }

  connectedSockets(): number {
    return this.io.sockets.sockets.size;
  }

  async stop(): Promise<void> {
    this.io.disconnectSockets(true);
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
    this.http.closeAllConnections();
  }

  private serve(socket: Socket): void {
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      const payload = args.length > 1 ? args[0] : undefined;
      this.received.push({ event, payload });
      if (typeof ack !== 'function') {
        return;
      }

      const handler = this.handlers.get(event);
      const reply = handler ? handler(payload, socket) : { ok: false, code: 404, message: `unknown event: ${event}` };
      if (reply !== undefined) {
        ack(reply);
      }
    });
  }

  private defaultHandlers(): Record<string, FakeHandler> {
    return {
      'user:me': () => ({
        ok: true,
        sub: 'player-1',
        code: 200,
        token: 'refreshed-token',
        nickname: 'Ann',
        is_online: true,
        match: { in_match: false, host: null, port: null, mode: null },
      }),
      'command:ack': () => ({ ok: true }),
      'matchmaking:join': () => {
        this.ticketCount += 1;
        return { ok: true, ticket: `ticket-${this.ticketCount}` };
      },
      'matchmaking:leave': () => ({ ok: true, cancelled: true }),
      'chat:join': (payload) => ({ ok: true, channel: (payload as { channel: string }).channel }),
      'chat:leave': (payload) => ({ ok: true, channel: (payload as { channel: string }).channel }),
      'chat:send': () => ({ ok: true, id: '41', sent_at: '2026-12-04T20:00:00.000Z' }),
      'chat:history': (payload) => ({
        ok: true,
        messages: [
          {
            id: '40',
            channel: (payload as { channel: string }).channel,
            from: { sub: 'player-2', nickname: 'Bo' },
            text: 'gg',
            sent_at: '2026-12-04T19:59:00.000Z',
          },
        ],
      }),
    };
  }
}

/** Polls the condition every 10 ms and fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, description: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    }
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
