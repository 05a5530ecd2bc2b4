import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidTokenError, MatchmakingError, OmninannyClient, OmninannyError, type CommandEvent, type OmninannyClientOptions } from '../src';
import { FakeServer, GOOD_TOKEN, sleep, waitFor } from './fake-server';

// Short backoff, so that a reconnection the client should not make would show within the test.
const FAST_RECONNECT = { reconnectionDelay: 20, reconnectionDelayMax: 40, randomizationFactor: 0 };

const COMMAND: CommandEvent = { id: '7b0e8f5c-2a4d-4e8b-9a51-0c3c1f0e6a11', title: 'reward', body: { coins: 100 }, sent_at: '2026-12-04T20:00:00.000Z' };
const PERSISTED: CommandEvent = { ...COMMAND, id: '0f6a3d2e-6c1b-4f7e-8d0a-5b9e2c4a7f30', persisted: true };

function match(ticket: string) {
  return { ticket, mode: 'duel', host: '127.0.0.1', port: 7777, instance: 'instance-1', players: ['player-1', 'player-2'] };
}

describe('OmninannyClient', () => {
  let server: FakeServer;
  const clients: OmninannyClient[] = [];

  function createClient(options: Partial<OmninannyClientOptions> = {}): OmninannyClient {
    const client = new OmninannyClient(server.url, { token: GOOD_TOKEN, transports: ['websocket'], socketOptions: FAST_RECONNECT, ...options });
    clients.push(client);
    return client;
  }

  async function connectClient(options: Partial<OmninannyClientOptions> = {}): Promise<OmninannyClient> {
    const client = createClient(options);
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    server = await FakeServer.start();
  });

  afterEach(() => {
    for (const client of clients.splice(0)) {
      client.close();
    }
    server.reset();
  });

  afterAll(async () => {
    await server.stop();
  });

  describe('connect', () => {
    it('connects with a valid token', async () => {
      const client = createClient();
      const onConnect = jest.fn();
      client.on('connect', onConnect);

      await client.connect();

      expect(client.connected).toBe(true);
      expect(client.socket.connected).toBe(true);
      expect(onConnect).toHaveBeenCalledTimes(1);
      expect(server.connectedSockets()).toBe(1);
    });

    it('static connect returns a connected client', async () => {
      // Socket.IO's default transports: long polling first, then the upgrade to WebSocket.
      const client = await OmninannyClient.connect(server.url, { token: GOOD_TOKEN });
      clients.push(client);

      expect(client.connected).toBe(true);
    });

    it('rejects an invalid token without retrying', async () => {
      const client = createClient({ token: 'revoked-token' });

      const error = await client.connect().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(InvalidTokenError);
      expect(error).toBeInstanceOf(OmninannyError);
      expect((error as InvalidTokenError).code).toBe(401);
      expect((error as InvalidTokenError).message).toBe('invalid token');
      await sleep(300);
      expect(server.handshakes).toBe(1);
      expect(client.connected).toBe(false);
      expect(client.socket.active).toBe(false);
    });

    it('times out with 408 on a stalled handshake', async () => {
      server.stallHandshakes = true;
      const client = createClient({ connectTimeoutMs: 200 });

      const error = await client.connect().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(OmninannyError);
      expect((error as OmninannyError).code).toBe(408);
      expect((error as OmninannyError).message).toContain('timed out connecting to');
      expect(client.socket.active).toBe(false);
    });

    it('fails with 503 when nothing listens and reconnection is off', async () => {
      const closedUrl = await unusedLocalUrl();
      const client = new OmninannyClient(closedUrl, { token: GOOD_TOKEN, reconnection: false, transports: ['websocket'] });
      clients.push(client);

      const error = await client.connect().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(OmninannyError);
      expect((error as OmninannyError).code).toBe(503);
      expect((error as OmninannyError).message).toContain(closedUrl);
    });

    it('reconnects after the connection drops', async () => {
      const client = await connectClient();
      const onDisconnect = jest.fn();
      client.on('disconnect', onDisconnect);

      dropConnections(server);

      await waitFor(() => server.handshakes === 2 && client.connected, 'the reconnection');
      expect(onDisconnect).toHaveBeenCalledWith('transport close');
    });

    it('close stops reconnection', async () => {
      const client = await connectClient();
      const onDisconnect = jest.fn();
      client.on('disconnect', onDisconnect);

      client.close();
      await sleep(300);

      expect(client.connected).toBe(false);
      expect(onDisconnect).toHaveBeenCalledWith('io client disconnect');
      expect(server.handshakes).toBe(1);
      expect(server.connectedSockets()).toBe(0);
    });

    it('reports a token revoked before a reconnection', async () => {
      const client = await connectClient();
      const onError = jest.fn();
      client.on('error', onError);
      // The server now rejects the token, as after a revocation.
      client.socket.auth = { token: 'revoked-token' };

      dropConnections(server);

      await waitFor(() => onError.mock.calls.length > 0, 'the error event');
      expect(onError.mock.calls[0][0]).toBeInstanceOf(InvalidTokenError);
      await sleep(200);
      expect(server.handshakes).toBe(2);
      expect(client.socket.active).toBe(false);
    });

    it('rejects a request before connect with 503', async () => {
      const client = createClient();

      await expect(client.me()).rejects.toMatchObject({ code: 503, message: 'not connected: call connect() before sending user:me' });
    });

    it('rejects a missing token', () => {
      expect(() => new OmninannyClient(server.url, { token: '' })).toThrow(TypeError);
    });
  });

  describe('requests', () => {
    it('me returns the user without ok', async () => {
      const client = await connectClient();

      const user = await client.me();

      expect(user).toEqual({
        sub: 'player-1',
        code: 200,
        token: 'refreshed-token',
        nickname: 'Ann',
        is_online: true,
        match: { in_match: false, host: null, port: null, mode: null },
      });
      expect(server.payloadsOf('user:me')).toEqual([undefined]);
    });

    it('throws OmninannyError on ok:false', async () => {
      const channelError = "channel must be a string of 1 to 64 letters, digits, '.', '_', '-' or ':'";
      server.handle('chat:join', () => ({ ok: false, code: 400, message: 'invalid body', errors: [channelError] }));
      const client = await connectClient();

      const error = await client.chat.join('').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(OmninannyError);
      expect((error as OmninannyError).code).toBe(400);
      expect((error as OmninannyError).message).toBe('invalid body');
      expect((error as OmninannyError).errors).toEqual([channelError]);
    });

    it('passes rate limiting through as 429', async () => {
      server.handle('user:me', () => ({ ok: false, code: 429, message: 'rate limit exceeded' }));
      const client = await connectClient();

      await expect(client.me()).rejects.toMatchObject({ code: 429, message: 'rate limit exceeded', errors: undefined });
    });

    it('times out with 408 without an ack', async () => {
      server.handle('user:me', () => undefined);
      const client = await connectClient({ ackTimeoutMs: 200 });

      const started = Date.now();
      const error = await client.me().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(OmninannyError);
      expect((error as OmninannyError).code).toBe(408);
      expect((error as OmninannyError).message).toBe('timed out waiting for user:me');
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('fails with 503 when the connection drops', async () => {
      server.handle('user:me', () => {
        dropConnections(server);
        return undefined;
      });
      const client = await connectClient();

      const error = await client.me().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(OmninannyError);
      expect((error as OmninannyError).code).toBe(503);
      expect((error as OmninannyError).message).toContain('lost the connection while waiting for user:me');
    });

    it('rejects a malformed ack with 502', async () => {
      server.handle('user:me', () => ({ sub: 'player-1' }));
      const client = await connectClient();

      await expect(client.me()).rejects.toMatchObject({ code: 502 });
    });
  });

  describe('commands', () => {
    it('delivers a command to listeners', async () => {
      const client = await connectClient();
      const received: CommandEvent[] = [];
      client.on('command', (command) => {
        received.push(command);
      });

      server.emitToAll('command', COMMAND);

      await waitFor(() => received.length === 1, 'the command');
      expect(received[0]).toEqual(COMMAND);
      await client.me();
      expect(server.payloadsOf('command:ack')).toEqual([]);
    });

    it('acks a persisted duplicate once', async () => {
      const client = await connectClient();
      const listener = jest.fn();
      client.on('command', listener);

      server.emitToAll('command', PERSISTED);
      server.emitToAll('command', PERSISTED);
      await waitFor(() => server.payloadsOf('command:ack').length === 1, 'the command:ack');
      // A redelivery after the acknowledgement must not reach the listeners either.
      server.emitToAll('command', PERSISTED);
      await client.me();
      await sleep(50);

      expect(listener).toHaveBeenCalledTimes(1);
      expect(server.payloadsOf('command:ack')).toEqual([{ id: PERSISTED.id }]);
    });

    it('acks after an async listener settles', async () => {
      const client = await connectClient();
      let finish!: () => void;
      client.on('command', () => new Promise<void>((resolve) => (finish = resolve)));

      server.emitToAll('command', PERSISTED);
      await waitFor(() => finish !== undefined, 'the command listener');
      await client.me();
      expect(server.payloadsOf('command:ack')).toEqual([]);

      finish();
      await waitFor(() => server.payloadsOf('command:ack').length === 1, 'the command:ack');
    });

    it('autoAck false sends no ack', async () => {
      const client = await connectClient({ autoAck: false });
      const listener = jest.fn();
      client.on('command', listener);

      server.emitToAll('command', PERSISTED);
      await waitFor(() => listener.mock.calls.length === 1, 'the command');
      await client.me();
      await sleep(50);
      expect(server.payloadsOf('command:ack')).toEqual([]);

      await client.ackCommand(PERSISTED.id);
      expect(server.payloadsOf('command:ack')).toEqual([{ id: PERSISTED.id }]);
    });

    it('failed listener skips the ack and allows redelivery', async () => {
      const client = await connectClient();
      const onError = jest.fn();
      client.on('error', onError);
      const listener = jest.fn().mockImplementationOnce(() => {
        throw new Error('inventory is full');
      });
      client.on('command', listener);

      server.emitToAll('command', PERSISTED);
      await waitFor(() => onError.mock.calls.length === 1, 'the error event');
      expect((onError.mock.calls[0][0] as Error).message).toContain('inventory is full');
      expect(server.payloadsOf('command:ack')).toEqual([]);

      server.emitToAll('command', PERSISTED);
      await waitFor(() => server.payloadsOf('command:ack').length === 1, 'the command:ack');
      expect(listener).toHaveBeenCalledTimes(2);
    });

    it('reports a failed ack as an error event', async () => {
      server.handle('command:ack', () => ({ ok: false, code: 404, message: 'command not found' }));
      const client = await connectClient();
      const onError = jest.fn();
      client.on('error', onError);
      const listener = jest.fn();
      client.on('command', listener);

      server.emitToAll('command', PERSISTED);
      await waitFor(() => onError.mock.calls.length === 1, 'the error event');

      const error = onError.mock.calls[0][0] as OmninannyError;
      expect(error).toBeInstanceOf(OmninannyError);
      expect(error.code).toBe(404);
      expect(error.message).toContain(PERSISTED.id);
      expect(listener).toHaveBeenCalledTimes(1);
    });

    it('retries a failed ack on redelivery', async () => {
      server.handle('command:ack', () => ({ ok: false, code: 500, message: 'internal server error' }));
      const client = await connectClient();
      client.on('error', () => undefined);
      const listener = jest.fn();
      client.on('command', listener);

      server.emitToAll('command', PERSISTED);
      await waitFor(() => server.payloadsOf('command:ack').length === 1, 'the first command:ack');
      server.handle('command:ack', () => ({ ok: true }));
      await client.me();
      server.emitToAll('command', PERSISTED);

      await waitFor(() => server.payloadsOf('command:ack').length === 2, 'the second command:ack');
      expect(listener).toHaveBeenCalledTimes(1);
    });

    it('ignores a command without an id', async () => {
      const warn = jest.fn();
      const client = await connectClient({ logger: { warn } });
      const listener = jest.fn();
      client.on('command', listener);

      server.emitToAll('command', { title: 'reward' });
      await waitFor(() => warn.mock.calls.length === 1, 'the warning');

      expect(listener).not.toHaveBeenCalled();
    });
  });

  describe('matchmaking', () => {
    it('join resolves with its own ticket', async () => {
      server.handle('matchmaking:join', (_payload, socket) => {
        setTimeout(() => {
          socket.emit('matchmaking:matched', match('ticket-of-another-device'));
          socket.emit('matchmaking:matched', match('ticket-9'));
        }, 20);
        return { ok: true, ticket: 'ticket-9' };
      });
      const client = await connectClient();
      const onMatched = jest.fn();
      client.on('matched', onMatched);

      const result = await client.join('duel', { region: 'eu' });

      expect(result).toEqual(match('ticket-9'));
      expect(server.payloadsOf('matchmaking:join')).toEqual([{ mode: 'duel', properties: { region: 'eu' } }]);
      expect(onMatched).toHaveBeenCalledTimes(2);
    });

    it('join sends no properties when omitted', async () => {
      server.handle('matchmaking:join', (_payload, socket) => {
        setTimeout(() => socket.emit('matchmaking:matched', match('ticket-1')), 20);
        return { ok: true, ticket: 'ticket-1' };
      });
      const client = await connectClient();

      await client.join('duel');

      expect(server.payloadsOf('matchmaking:join')).toEqual([{ mode: 'duel' }]);
    });

    it('join handles a match before the ack', async () => {
      server.handle('matchmaking:join', (_payload, socket) => {
        socket.emit('matchmaking:matched', match('ticket-3'));
        return { ok: true, ticket: 'ticket-3' };
      });
      const client = await connectClient();

      await expect(client.join('duel')).resolves.toEqual(match('ticket-3'));
    });

    it('join rejects on matchmaking:failed', async () => {
      server.handle('matchmaking:join', (_payload, socket) => {
        setTimeout(() => {
          socket.emit('matchmaking:failed', { ticket: 'ticket-other', reason: 'timeout' });
          socket.emit('matchmaking:failed', { ticket: 'ticket-5', reason: 'no capacity' });
        }, 20);
        return { ok: true, ticket: 'ticket-5' };
      });
      const client = await connectClient();
      const onFailed = jest.fn();
      client.on('matchFailed', onFailed);

      const error = await client.join('duel').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(MatchmakingError);
      expect(error).toMatchObject({ reason: 'no capacity', ticket: 'ticket-5', code: 409 });
      expect(onFailed).toHaveBeenCalledWith({ ticket: 'ticket-5', reason: 'no capacity' });
    });

    it('join rejects on leave', async () => {
      const client = await connectClient();

      const joining = client.join('duel');
      await waitFor(() => server.payloadsOf('matchmaking:join').length === 1, 'the matchmaking:join');
      const cancelled = await client.leave();

      expect(cancelled).toBe(true);
      expect(server.payloadsOf('matchmaking:leave')).toEqual([{}]);
      await expect(joining).rejects.toBeInstanceOf(MatchmakingError);
      await expect(joining).rejects.toMatchObject({ reason: 'cancelled', ticket: 'ticket-1' });
    });

    it('leave without a ticket keeps joins waiting', async () => {
      server.handle('matchmaking:leave', () => ({ ok: true, cancelled: false }));
      server.handle('matchmaking:join', (_payload, socket) => {
        setTimeout(() => socket.emit('matchmaking:matched', match('ticket-1')), 100);
        return { ok: true, ticket: 'ticket-1' };
      });
      const client = await connectClient();

      const joining = client.join('duel');
      await waitFor(() => server.payloadsOf('matchmaking:join').length === 1, 'the matchmaking:join');

      await expect(client.leave()).resolves.toBe(false);
      await expect(joining).resolves.toEqual(match('ticket-1'));
    });

    it('join timeout cancels the ticket', async () => {
      const client = await connectClient();

      const error = await client.join('duel', undefined, { timeoutMs: 150 }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(MatchmakingError);
      expect(error).toMatchObject({ reason: 'timeout', ticket: 'ticket-1', code: 408 });
      await waitFor(() => server.payloadsOf('matchmaking:leave').length === 1, 'the matchmaking:leave');
    });

    it('join passes a 404 through', async () => {
      server.handle('matchmaking:join', (payload) => ({ ok: false, code: 404, message: `no server plays mode ${(payload as { mode: string }).mode}` }));
      const client = await connectClient();

      await expect(client.join('chess')).rejects.toMatchObject({ code: 404, message: 'no server plays mode chess' });
    });

    it('dropped connection rejects a pending join', async () => {
      const client = await connectClient();

      const joining = client.join('duel');
      await waitFor(() => server.payloadsOf('matchmaking:join').length === 1, 'the matchmaking:join');
      await client.me();
      dropConnections(server);

      await expect(joining).rejects.toMatchObject({ reason: 'disconnected', ticket: 'ticket-1', code: 409 });
    });

    it('close rejects a pending join', async () => {
      const client = await connectClient();

      const joining = client.join('duel');
      await waitFor(() => server.payloadsOf('matchmaking:join').length === 1, 'the matchmaking:join');
      await client.me();
      client.close();

      await expect(joining).rejects.toMatchObject({ reason: 'closed', ticket: 'ticket-1' });
    });
  });

  describe('chat', () => {
    it('sends the expected payloads', async () => {
      const client = await connectClient();

      await client.chat.join('lobby');
      const sent = await client.chat.send('lobby', 'hello');
      const direct = await client.chat.sendTo('player-2', 'hi');
      const latest = await client.chat.history('lobby');
      await client.chat.history('lobby', 10);
      await client.chat.leave('lobby');

      expect(sent).toEqual({ id: '41', sent_at: '2026-12-04T20:00:00.000Z' });
      expect(direct).toEqual({ id: '41', sent_at: '2026-12-04T20:00:00.000Z' });
      expect(latest).toEqual([
        { id: '40', channel: 'lobby', from: { sub: 'player-2', nickname: 'Bo' }, text: 'gg', sent_at: '2026-12-04T19:59:00.000Z' },
      ]);
      expect(server.received).toEqual([
        { event: 'chat:join', payload: { channel: 'lobby' } },
        { event: 'chat:send', payload: { channel: 'lobby', text: 'hello' } },
        { event: 'chat:send', payload: { to: 'player-2', text: 'hi' } },
        { event: 'chat:history', payload: { channel: 'lobby' } },
        { event: 'chat:history', payload: { channel: 'lobby', limit: 10 } },
        { event: 'chat:leave', payload: { channel: 'lobby' } },
      ]);
    });

    it('rejoins channels after reconnecting', async () => {
      const client = await connectClient();
      await client.chat.join('lobby');
      await client.chat.join('guild');
      await client.chat.leave('guild');

      dropConnections(server);

      await waitFor(() => server.payloadsOf('chat:join').length === 3, 'the second chat:join of lobby');
      expect(server.payloadsOf('chat:join')).toEqual([{ channel: 'lobby' }, { channel: 'guild' }, { channel: 'lobby' }]);
      expect(client.chat.joinedChannels).toEqual(['lobby']);
    });

    it('reports a failed rejoin', async () => {
      const client = await connectClient();
      const onError = jest.fn();
      client.on('error', onError);
      await client.chat.join('lobby');
      server.handle('chat:join', () => ({ ok: false, code: 500, message: 'internal server error' }));

      dropConnections(server);

      await waitFor(() => onError.mock.calls.length === 1, 'the error event');
      expect((onError.mock.calls[0][0] as Error).message).toBe(
        'could not join chat channel lobby again after reconnecting: internal server error',
      );
    });

    it('delivers chat:message to listeners', async () => {
      const client = await connectClient();
      const onChat = jest.fn();
      client.on('chat', onChat);
      const message = { id: '42', channel: 'lobby', from: { sub: 'player-2', nickname: 'Bo' }, text: 'gl hf', sent_at: '2026-12-04T20:01:00.000Z' };

      server.emitToAll('chat:message', message);

      await waitFor(() => onChat.mock.calls.length === 1, 'the chat event');
      expect(onChat).toHaveBeenCalledWith(message);
    });
  });

  describe('events', () => {
    it('once and off remove listeners', async () => {
      const client = await connectClient();
      const once = jest.fn();
      const removed = jest.fn();
      const stillRegistered = jest.fn();
      client.once('chat', once);
      client.on('chat', removed);
      client.on('chat', stillRegistered);
      client.off('chat', removed);
      const message = { id: '43', channel: 'lobby', from: { sub: 'player-2', nickname: 'Bo' }, text: 'one', sent_at: '2026-12-04T20:02:00.000Z' };

      server.emitToAll('chat:message', message);
      server.emitToAll('chat:message', { ...message, id: '44' });
      await waitFor(() => stillRegistered.mock.calls.length === 2, 'both chat events');

      expect(once).toHaveBeenCalledTimes(1);
      expect(removed).not.toHaveBeenCalled();
    });

    it('reports a throwing listener as an error event', async () => {
      const client = await connectClient();
      const onError = jest.fn();
      client.on('error', onError);
      client.on('chat', () => {
        throw new Error('render failed');
      });

      server.emitToAll('chat:message', { id: '45', channel: 'lobby', from: { sub: 'player-2', nickname: 'Bo' }, text: 'x', sent_at: '2026-12-04T20:03:00.000Z' });

      await waitFor(() => onError.mock.calls.length === 1, 'the error event');
      expect((onError.mock.calls[0][0] as Error).message).toContain('render failed');
      expect(client.connected).toBe(true);
    });
  });
});

/** Returns the URL of a local port that was free a moment ago and has no listener now. */
async function unusedLocalUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Closes the server side of every connection without a Socket.IO disconnect, as a network failure would. */
function dropConnections(server: FakeServer): void {
  for (const socket of server.io.sockets.sockets.values()) {
    socket.conn.close();
  }
}
