import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { collectEvents, connectClient, connectSocket, createClient, disconnection, nextEvent, sleep } from '../support/clients';
import { RunningApp, startApp, TEST_JWT_SECRET } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/database';
import { signToken } from '../support/tokens';

interface CommandEvent {
  id: string;
  title: string;
  body: unknown;
  sent_at: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Socket.IO delivery: handshake auth, presence, commands, persisted commands across a
 * restart, disconnect and revoke. Shared by the PostgreSQL and the embedded database runs.
 */
export function describeCommands(label: string, options: { embedded?: boolean } = {}) {
  describe(`commands and sockets (${label})`, () => {
    let database: TestDatabase;
    let running: RunningApp;
    const sockets: Socket[] = [];

    const api = () => request(running.url);
    const auth = () => ({ Authorization: `Bearer ${running.key}` });

    async function createUser(sub: string, nickname = `nick-${sub}`): Promise<string> {
      const response = await api().post('/api/server/user').set(auth()).send({ sub, nickname });
      expect(response.status).toBe(200);
      return response.body.token;
    }

    async function connect(token: string, how: 'auth' | 'query' | 'header' = 'auth'): Promise<Socket> {
      const options =
        how === 'auth' ? { auth: { token } } : how === 'query' ? { query: { token } } : { extraHeaders: { Authorization: `Bearer ${token}` } };
      const socket = await connectClient(running.url, options);
      sockets.push(socket);
      return socket;
    }

    function sendCommand(body: Record<string, unknown>) {
      return api().post('/api/server/user/command').set(auth()).send(body);
    }

    beforeAll(async () => {
      database = await createTestDatabase(options);
      running = await startApp(database);
    });

    afterEach(() => {
      sockets.splice(0).forEach((socket) => socket.close());
    });

    afterAll(async () => {
      await running?.close();
      await database?.drop();
    });

    describe('handshake', () => {
      it.each(['auth', 'query', 'header'] as const)('accepts the token from %s', async (how) => {
        const token = await createUser(`handshake-${how}`);
        const socket = await connect(token, how);

        expect(socket.connected).toBe(true);
      });

      it('rejects a missing, malformed, forged or expired token with "invalid token"', async () => {
        await createUser('handshake-bad');
        const now = Math.floor(Date.now() / 1000);
        const tokens = [
          undefined,
          'not-a-jwt',
          signToken({ sub: 'handshake-bad', nickname: 'x', ver: 0, iat: now, exp: now + 60 }, 'some-other-secret-value'),
          signToken({ sub: 'handshake-bad', nickname: 'x', ver: 0, iat: now - 120, exp: now - 60 }, TEST_JWT_SECRET),
          signToken({ sub: 'never-created', nickname: 'x', ver: 0, iat: now, exp: now + 60 }, TEST_JWT_SECRET),
        ];

        for (const token of tokens) {
          await expect(connectClient(running.url, { auth: token === undefined ? {} : { token } })).rejects.toThrow('invalid token');
        }
      });
    });

    describe('POST /api/server/user/command', () => {
      it('delivers to every socket of the user', async () => {
        const token = await createUser('two-devices');
        const phone = await connect(token);
        const laptop = await connect(token);
        const received = [nextEvent<CommandEvent>(phone, 'command'), nextEvent<CommandEvent>(laptop, 'command')];

        const response = await sendCommand({ sub: 'two-devices', title: 'chat', body: { text: 'hello', n: 1 } });

        expect(response.status).toBe(200);
        expect(response.body).toEqual({ code: 200, sent: true, sub: 'two-devices' });
        for (const event of await Promise.all(received)) {
          expect(Object.keys(event).sort()).toEqual(['body', 'id', 'sent_at', 'title']); // no persisted flag on a live-only command
          expect(event.title).toBe('chat');
          expect(event.body).toEqual({ text: 'hello', n: 1 });
          expect(event.id).toMatch(UUID);
          expect(new Date(event.sent_at).toISOString()).toBe(event.sent_at);
        }
      });

      it('does not reach other users', async () => {
        const aliceToken = await createUser('alice');
        await createUser('bob');
        const alice = await connect(aliceToken);
        const aliceEvents = collectEvents(alice, 'command');

        await sendCommand({ sub: 'bob', title: 'secret', body: 'for bob' });
        await sleep(200);

        expect(aliceEvents).toEqual([]);
      });

      it('answers sent: false for an offline user', async () => {
        await createUser('offline-target');
        const response = await sendCommand({ sub: 'offline-target', title: 't', body: null });

        expect(response.status).toBe(200);
        expect(response.body).toEqual({ code: 200, sent: false, sub: 'offline-target' });
      });

      it('carries any JSON value as body', async () => {
        const token = await createUser('json-values');
        const socket = await connect(token);
        const events = collectEvents<CommandEvent>(socket, 'command');
        const bodies = [null, 0, 'text', true, [1, 'two', { three: 3 }], { nested: { deep: ['ünï', '🎮'] } }];

        for (const body of bodies) {
          expect((await sendCommand({ sub: 'json-values', title: 'value', body })).status).toBe(200);
        }
        await sleep(200);

        expect(events.map((event) => event.body)).toEqual(bodies);
      });

      it('answers 404 for an unknown user', async () => {
        const response = await sendCommand({ sub: 'ghost', title: 't', body: 1 });

        expect(response.status).toBe(404);
        expect(response.body).toEqual({ code: 404, message: 'user not found' });
      });

      const invalid = [
        ['missing title', { sub: 'u', body: 1 }],
        ['missing body', { sub: 'u', title: 't' }],
        ['missing sub', { title: 't', body: 1 }],
        ['empty title', { sub: 'u', title: '', body: 1 }],
        ['title of 129 characters', { sub: 'u', title: 't'.repeat(129), body: 1 }],
        ['numeric title', { sub: 'u', title: 5, body: 1 }],
        ['body over 64 KiB', { sub: 'u', title: 't', body: 'b'.repeat(64 * 1024) }],
        ['NUL inside body', { sub: 'u', title: 't', body: { text: 'a\u0000b' } }],
        ['persist as text', { sub: 'u', title: 't', body: 1, persist: 'yes' }],
        ['unknown field', { sub: 'u', title: 't', body: 1, priority: 1 }],
      ] as const;

      it.each(invalid)('answers 400 invalid body for %s', async (_case, body) => {
        const response = await sendCommand(body);

        expect(response.status).toBe(400);
        expect(response.body.code).toBe(400);
        expect(response.body.message).toBe('invalid body');
      });
    });

    describe('DELETE /api/server/user', () => {
      it('closes every socket of the user', async () => {
        const token = await createUser('kick-me');
        const first = await connect(token);
        const second = await connect(token);
        const closed = [disconnection(first), disconnection(second)];

        const response = await api().delete('/api/server/user').set(auth()).send({ sub: 'kick-me' });

        expect(response.status).toBe(200);
        expect(response.body).toEqual({ code: 200, disconnected: true, sub: 'kick-me' });
        expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);

        const again = await api().delete('/api/server/user').query({ sub: 'kick-me' }).set(auth());
        expect(again.body).toEqual({ code: 200, disconnected: false, sub: 'kick-me' });
      });

      it('lets the old token reconnect without revoke', async () => {
        const token = await createUser('kick-no-revoke');
        await connect(token);
        await api().delete('/api/server/user').query({ sub: 'kick-no-revoke' }).set(auth());

        const socket = await connect(token);
        expect(socket.connected).toBe(true);
      });

      it('with revoke, blocks every earlier token until a new one is issued', async () => {
        const oldToken = await createUser('revoke-me');
        const socket = await connect(oldToken);
        const closed = disconnection(socket);

        const response = await api().delete('/api/server/user').query({ sub: 'revoke-me', revoke: 'true' }).set(auth());

        expect(response.body).toEqual({ code: 200, disconnected: true, sub: 'revoke-me' });
        await closed;
        await expect(connectClient(running.url, { auth: { token: oldToken } })).rejects.toThrow('invalid token');

        const newToken = await createUser('revoke-me');
        expect((await connect(newToken)).connected).toBe(true);
      });

      it('answers 404 for an unknown user and 400 for a bad revoke', async () => {
        const unknown = await api().delete('/api/server/user').query({ sub: 'ghost' }).set(auth());
        expect(unknown.status).toBe(404);
        expect(unknown.body).toEqual({ code: 404, message: 'user not found' });

        const badRevoke = await api().delete('/api/server/user').query({ sub: 'ghost', revoke: 'maybe' }).set(auth());
        expect(badRevoke.status).toBe(400);
        expect(badRevoke.body.message).toBe('invalid body');
      });
    });

    describe('client events', () => {
      it('user:me acknowledges with the user info', async () => {
        const token = await createUser('me-user', 'Me');
        const socket = await connect(token);

        const ack = await socket.emitWithAck('user:me');

        expect(ack).toEqual({
          ok: true,
          sub: 'me-user',
          code: 200,
          token: expect.any(String),
          nickname: 'Me',
          is_online: true,
          match: { in_match: false, host: null, port: null, mode: null },
        });
      });

      it('command:ack rejects bad and unknown ids', async () => {
        const token = await createUser('ack-errors');
        const socket = await connect(token);

        expect(await socket.emitWithAck('command:ack', { id: 'not-a-uuid' })).toMatchObject({ ok: false, code: 400, message: 'invalid body' });
        expect(await socket.emitWithAck('command:ack', 'text')).toMatchObject({ ok: false, code: 400, message: 'invalid body' });
        expect(await socket.emitWithAck('command:ack', { id: '00000000-0000-4000-8000-000000000000' })).toEqual({
          ok: false,
          code: 404,
          message: 'command not found',
        });
      });
    });

    describe('persisted commands', () => {
      it('are queued for an offline user and delivered in order on connect', async () => {
        const token = await createUser('queued-user');
        for (const n of [1, 2, 3]) {
          const response = await sendCommand({ sub: 'queued-user', title: `q${n}`, body: { n }, persist: true });
          expect(response.body).toEqual({ code: 200, sent: false, sub: 'queued-user', queued: true });
        }

        const socket = createClient(running.url, { auth: { token } });
        sockets.push(socket);
        const events = collectEvents<CommandEvent>(socket, 'command');
        await connectSocket(socket);
        await sleep(300);

        expect(events.map((event) => event.title)).toEqual(['q1', 'q2', 'q3']);
      });

      it('survive a restart and stop after the client acknowledges them', async () => {
        const token = await createUser('restart-user');
        const sent = await sendCommand({ sub: 'restart-user', title: 'reward', body: { coins: 100 }, persist: true });
        expect(sent.body.queued).toBe(true);

        await running.close();
        running = await startApp(database);

        const first = createClient(running.url, { auth: { token } });
        sockets.push(first);
        const delivered = nextEvent<CommandEvent>(first, 'command');
        await connectSocket(first);
        const command = await delivered;
        expect(command).toMatchObject({ title: 'reward', body: { coins: 100 }, persisted: true });

        // Not acknowledged yet: the next connection gets it again.
        first.close();
        const second = createClient(running.url, { auth: { token } });
        sockets.push(second);
        const redelivered = nextEvent<CommandEvent>(second, 'command');
        await connectSocket(second);
        expect((await redelivered).id).toBe(command.id);

        expect(await second.emitWithAck('command:ack', { id: command.id })).toEqual({ ok: true });
        expect(await second.emitWithAck('command:ack', { id: command.id })).toMatchObject({ ok: false, code: 404 });
        second.close();

        const third = createClient(running.url, { auth: { token } });
        sockets.push(third);
        const events = collectEvents<CommandEvent>(third, 'command');
        await connectSocket(third);
        await sleep(300);
        expect(events).toEqual([]);
      });

      it('cannot be acknowledged by another user', async () => {
        await createUser('owner');
        const otherToken = await createUser('other');
        const ownerToken = await createUser('owner');
        const owner = await connect(ownerToken);
        const received = nextEvent<CommandEvent>(owner, 'command');
        await sendCommand({ sub: 'owner', title: 'mine', body: 1, persist: true });
        const command = await received;

        const other = await connect(otherToken);
        expect(await other.emitWithAck('command:ack', { id: command.id })).toMatchObject({ ok: false, code: 404 });
        expect(await owner.emitWithAck('command:ack', { id: command.id })).toEqual({ ok: true });
      });
    });
  });
}
