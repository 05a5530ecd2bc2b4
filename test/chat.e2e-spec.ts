import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { CHAT_CHANNEL_HISTORY_LIMIT, ChatHistoryPruner } from '../src/chat/chat-history-pruner.service';
import { DatabaseService } from '../src/database/database.service';
import { collectEvents, connectClient, nextEvent, sleep } from './support/clients';
import { RunningApp, startApp } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';

interface ChatEvent {
  id: string;
  channel?: string;
  to?: string;
  from: { sub: string; nickname: string };
  text: string;
  sent_at: string;
}

// Long enough for a broadcast on loopback to arrive, so its absence means it was not sent.
const QUIET_MS = 300;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('chat over Socket.IO', () => {
  let database: TestDatabase;
  let running: RunningApp;
  const sockets: Socket[] = [];

  async function createUser(sub: string, nickname = `nick-${sub}`): Promise<string> {
    const response = await request(running.url).post('/api/server/user').set({ Authorization: `Bearer ${running.key}` }).send({ sub, nickname });
    expect(response.status).toBe(200);
    return response.body.token;
  }

  async function connect(token: string): Promise<Socket> {
    const socket = await connectClient(running.url, { auth: { token } });
    sockets.push(socket);
    return socket;
  }

  /** Creates the user and opens `count` sockets for it. */
  async function connectUser(sub: string, count = 1, nickname?: string): Promise<Socket[]> {
    const token = await createUser(sub, nickname);
    const opened: Socket[] = [];
    for (let i = 0; i < count; i += 1) {
      opened.push(await connect(token));
    }
    return opened;
  }

  const emit = (socket: Socket, event: string, payload?: unknown) => socket.timeout(5000).emitWithAck(event, payload);

  async function join(socket: Socket, channel: string): Promise<void> {
    expect(await emit(socket, 'chat:join', { channel })).toEqual({ ok: true, channel });
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    running = await startApp(database);
  });

  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  describe('channels', () => {
    it('delivers to every member socket', async () => {
      const [aliceLaptop, alicePhone] = await connectUser('alice', 2, 'Alice');
      const [bob] = await connectUser('bob', 1, 'Bob');
      const [carol] = await connectUser('carol');
      await join(aliceLaptop, 'lobby');
      await join(alicePhone, 'lobby');
      await join(bob, 'lobby');
      const carolEvents = collectEvents<ChatEvent>(carol, 'chat:message');
      const received = [aliceLaptop, alicePhone, bob].map((socket) => nextEvent<ChatEvent>(socket, 'chat:message'));

      const ack = await emit(aliceLaptop, 'chat:send', { channel: 'lobby', text: 'hello lobby' });

      expect(ack).toEqual({ ok: true, id: expect.stringMatching(/^\d+$/), sent_at: expect.stringMatching(ISO_DATE) });
      for (const event of await Promise.all(received)) {
        expect(event).toEqual({ id: ack.id, channel: 'lobby', from: { sub: 'alice', nickname: 'Alice' }, text: 'hello lobby', sent_at: ack.sent_at });
      }
      await sleep(QUIET_MS);
      expect(carolEvents).toEqual([]);
    });

    it('sets the sender nickname', async () => {
      const [dave] = await connectUser('dave', 1, 'Dave the Brave');
      const [erin] = await connectUser('erin', 1, 'Erin');
      await join(dave, 'nicknames');
      await join(erin, 'nicknames');
      const atDave = collectEvents<ChatEvent>(dave, 'chat:message');
      const atErin = collectEvents<ChatEvent>(erin, 'chat:message');

      await emit(dave, 'chat:send', { channel: 'nicknames', text: 'one' });
      await emit(erin, 'chat:send', { channel: 'nicknames', text: 'two' });
      await sleep(QUIET_MS);

      for (const events of [atDave, atErin]) {
        expect(events.map((event) => [event.text, event.from])).toEqual([
          ['one', { sub: 'dave', nickname: 'Dave the Brave' }],
          ['two', { sub: 'erin', nickname: 'Erin' }],
        ]);
      }
    });

    it('leave stops delivery', async () => {
      const [frank] = await connectUser('frank');
      const [grace] = await connectUser('grace');
      await join(frank, 'leavers');
      await join(grace, 'leavers');
      const atGrace = collectEvents<ChatEvent>(grace, 'chat:message');

      expect(await emit(grace, 'chat:leave', { channel: 'leavers' })).toEqual({ ok: true, channel: 'leavers' });
      expect(await emit(frank, 'chat:send', { channel: 'leavers', text: 'anyone?' })).toMatchObject({ ok: true });
      await sleep(QUIET_MS);

      expect(atGrace).toEqual([]);
      expect(await emit(grace, 'chat:send', { channel: 'leavers', text: 'back' })).toEqual({
        ok: false,
        code: 403,
        message: 'join channel leavers before sending to it',
      });
    });

    it('leave of unjoined channel succeeds', async () => {
      const [socket] = await connectUser('leave-unjoined');

      expect(await emit(socket, 'chat:leave', { channel: 'never-joined' })).toEqual({ ok: true, channel: 'never-joined' });
    });

    it('rejects send before join', async () => {
      const [socket] = await connectUser('not-member');

      expect(await emit(socket, 'chat:send', { channel: 'closed', text: 'hi' })).toEqual({
        ok: false,
        code: 403,
        message: 'join channel closed before sending to it',
      });
    });

    it('membership belongs to the socket', async () => {
      const [joined, other] = await connectUser('two-sockets', 2);
      await join(joined, 'per-socket');

      expect(await emit(other, 'chat:send', { channel: 'per-socket', text: 'hi' })).toMatchObject({ ok: false, code: 403 });
    });

    it('accepts every allowed channel character', async () => {
      const [socket] = await connectUser('channel-names');

      for (const channel of ['a', 'x'.repeat(64), 'Team_1.eu-west:42']) {
        await join(socket, channel);
      }
    });

    it('rejects joining more than 32 channels', async () => {
      const [socket] = await connectUser('joiner');
      for (let i = 0; i < 32; i += 1) {
        await join(socket, `room-${i}`);
      }

      // Joining a channel again does not count as another channel.
      await join(socket, 'room-0');
      expect(await emit(socket, 'chat:join', { channel: 'room-32' })).toEqual({ ok: false, code: 409, message: 'too many channels: at most 32' });

      await emit(socket, 'chat:leave', { channel: 'room-5' });
      await join(socket, 'room-32');
    });
  });

  describe('history', () => {
    it('returns latest messages oldest first', async () => {
      const [heidi] = await connectUser('heidi', 1, 'Heidi');
      await join(heidi, 'history');
      const acks = [];
      for (const text of ['m1', 'm2', 'm3', 'm4', 'm5']) {
        acks.push(await emit(heidi, 'chat:send', { channel: 'history', text }));
      }

      const limited = await emit(heidi, 'chat:history', { channel: 'history', limit: 3 });
      const all = await emit(heidi, 'chat:history', { channel: 'history' });

      expect(limited.ok).toBe(true);
      expect(limited.messages.map((message: ChatEvent) => message.text)).toEqual(['m3', 'm4', 'm5']);
      expect(limited.messages[2]).toEqual({ id: acks[4].id, channel: 'history', from: { sub: 'heidi', nickname: 'Heidi' }, text: 'm5', sent_at: acks[4].sent_at });
      expect(all.messages.map((message: ChatEvent) => message.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    });

    it('defaults to the latest 50', async () => {
      const [ivan] = await connectUser('ivan');
      await join(ivan, 'busy');
      const prisma = running.app.get(DatabaseService).prisma;
      await prisma.chatMessage.createMany({
        data: Array.from({ length: 60 }, (_, i) => ({ channel: 'busy', fromSub: 'ivan', fromNickname: 'Ivan', text: `n${i}` })),
      });

      const history = await emit(ivan, 'chat:history', { channel: 'busy' });

      expect(history.messages).toHaveLength(50);
      expect(history.messages[0].text).toBe('n10');
      expect(history.messages[49].text).toBe('n59');
    });

    it('requires joining the channel', async () => {
      const [socket] = await connectUser('history-outsider');

      expect(await emit(socket, 'chat:history', { channel: 'history' })).toEqual({
        ok: false,
        code: 403,
        message: 'join channel history before reading its history',
      });
    });

    it.each([0, 101, 2.5, '10'])('rejects limit %p', async (limit) => {
      const [socket] = await connectUser(`limit-${String(limit)}`);
      await join(socket, 'limits');

      expect(await emit(socket, 'chat:history', { channel: 'limits', limit })).toEqual({
        ok: false,
        code: 400,
        message: 'invalid body',
        errors: ['limit must be an integer from 1 to 100'],
      });
    });
  });

  describe('direct messages', () => {
    it('reach recipient and sender sockets only', async () => {
      const [judyPhone, judyLaptop] = await connectUser('judy', 2, 'Judy');
      const [kenPhone, kenLaptop] = await connectUser('ken', 2, 'Ken');
      const [mallory] = await connectUser('mallory');
      const atMallory = collectEvents<ChatEvent>(mallory, 'chat:message');
      const atJudyPhone = collectEvents<ChatEvent>(judyPhone, 'chat:message');
      const received = [kenPhone, kenLaptop, judyLaptop].map((socket) => nextEvent<ChatEvent>(socket, 'chat:message'));

      const ack = await emit(judyPhone, 'chat:send', { to: 'ken', text: 'psst' });

      expect(ack).toEqual({ ok: true, id: expect.stringMatching(/^\d+$/), sent_at: expect.stringMatching(ISO_DATE) });
      for (const event of await Promise.all(received)) {
        expect(event).toEqual({ id: ack.id, from: { sub: 'judy', nickname: 'Judy' }, to: 'ken', text: 'psst', sent_at: ack.sent_at });
      }
      await sleep(QUIET_MS);
      expect(atJudyPhone).toHaveLength(1);
      expect(atMallory).toEqual([]);
    });

    it('to oneself arrives once', async () => {
      const [socket] = await connectUser('narcissus');
      const events = collectEvents<ChatEvent>(socket, 'chat:message');

      expect(await emit(socket, 'chat:send', { to: 'narcissus', text: 'note to self' })).toMatchObject({ ok: true });
      await sleep(QUIET_MS);

      expect(events.map((event) => event.text)).toEqual(['note to self']);
    });

    it('rejects unknown recipient', async () => {
      const [socket] = await connectUser('lonely');

      expect(await emit(socket, 'chat:send', { to: 'nobody-here', text: 'hello?' })).toEqual({ ok: false, code: 404, message: 'user not found' });
    });

    it('succeeds for offline recipient', async () => {
      // Direct messages are stored but not queued for delivery, so an offline recipient never receives this one.
      await createUser('offline-oscar');
      const [socket] = await connectUser('olivia');

      expect(await emit(socket, 'chat:send', { to: 'offline-oscar', text: 'later' })).toMatchObject({ ok: true });
    });
  });

  describe('invalid payloads', () => {
    const cases: [string, unknown, string][] = [
      ['empty text', { channel: 'lobby', text: '' }, 'text must be a string of 1 to 1000 characters'],
      ['1,001-character text', { channel: 'lobby', text: 'x'.repeat(1001) }, 'text must be a string of 1 to 1000 characters'],
      ['number text', { channel: 'lobby', text: 42 }, 'text must be a string of 1 to 1000 characters'],
      ['missing text', { channel: 'lobby' }, 'text must be a string of 1 to 1000 characters'],
      ['NUL in text', { channel: 'lobby', text: 'a\u0000b' }, 'text must not contain NUL characters'],
      ['channel and to', { channel: 'lobby', to: 'bob', text: 'hi' }, 'set only one of channel and to'],
      ['neither channel nor to', { text: 'hi' }, 'channel or to is required'],
      ['channel with space', { channel: 'two words', text: 'hi' }, "channel must be a string of 1 to 64 letters, digits, '.', '_', '-' or ':'"],
      ['65-character channel', { channel: 'x'.repeat(65), text: 'hi' }, "channel must be a string of 1 to 64 letters, digits, '.', '_', '-' or ':'"],
      ['empty channel', { channel: '', text: 'hi' }, "channel must be a string of 1 to 64 letters, digits, '.', '_', '-' or ':'"],
      ['number channel', { channel: 7, text: 'hi' }, "channel must be a string of 1 to 64 letters, digits, '.', '_', '-' or ':'"],
      ['unknown field', { channel: 'lobby', text: 'hi', color: 'red' }, 'color is not allowed'],
    ];

    it.each(cases)('send rejects %s', async (_label, payload, error) => {
      const [socket] = await connectUser('validator');
      await join(socket, 'lobby');

      expect(await emit(socket, 'chat:send', payload)).toEqual({ ok: false, code: 400, message: 'invalid body', errors: [error] });
    });

    it.each([
      ['empty', ''],
      ['with slash', 'a/b'],
      ['65 characters', 'x'.repeat(65)],
      ['non-ASCII', 'ünïcode'],
      ['with newline', 'new\nline'],
    ])('join rejects %s channel', async (_label, channel) => {
      const [socket] = await connectUser('bad-joiner');

      expect(await emit(socket, 'chat:join', { channel })).toEqual({
        ok: false,
        code: 400,
        message: 'invalid body',
        errors: ["channel must be a string of 1 to 64 letters, digits, '.', '_', '-' or ':'"],
      });
    });

    it('rejects non-object payloads', async () => {
      const [socket] = await connectUser('not-an-object');

      for (const event of ['chat:join', 'chat:leave', 'chat:send', 'chat:history']) {
        expect(await emit(socket, event, 'lobby')).toMatchObject({ ok: false, code: 400, message: 'invalid body' });
      }
    });
  });

  describe('rate limit', () => {
    it('rejects the 11th message', async () => {
      const [spammer] = await connectUser('spammer');
      const [listener] = await connectUser('listener');
      await join(spammer, 'spam');
      await join(listener, 'spam');
      const atListener = collectEvents<ChatEvent>(listener, 'chat:message');

      for (let i = 1; i <= 10; i += 1) {
        expect(await emit(spammer, 'chat:send', { channel: 'spam', text: `m${i}` })).toMatchObject({ ok: true });
      }
      const rejected = await emit(spammer, 'chat:send', { channel: 'spam', text: 'm11' });
      const directRejected = await emit(spammer, 'chat:send', { to: 'listener', text: 'm12' });
      await sleep(QUIET_MS);

      expect(rejected).toEqual({ ok: false, code: 429, message: 'rate limit exceeded: at most 10 chat messages per 10 s' });
      expect(directRejected).toMatchObject({ ok: false, code: 429 });
      expect(atListener).toHaveLength(10);
      expect(spammer.connected).toBe(true);
      expect(await emit(spammer, 'user:me')).toMatchObject({ ok: true, sub: 'spammer' });
      expect(await emit(spammer, 'chat:history', { channel: 'spam', limit: 100 })).toMatchObject({ ok: true, messages: expect.any(Array) });
    });

    it('applies per socket', async () => {
      const [first, second] = await connectUser('rate-per-socket', 2);
      await join(first, 'per-socket-rate');
      await join(second, 'per-socket-rate');

      for (let i = 0; i < 10; i += 1) {
        await emit(first, 'chat:send', { channel: 'per-socket-rate', text: `m${i}` });
      }

      expect(await emit(first, 'chat:send', { channel: 'per-socket-rate', text: 'over' })).toMatchObject({ ok: false, code: 429 });
      expect(await emit(second, 'chat:send', { channel: 'per-socket-rate', text: 'fine' })).toMatchObject({ ok: true });
    });
  });

  describe('history pruning', () => {
    it('keeps the newest 1,000 per channel', async () => {
      const prisma = running.app.get(DatabaseService).prisma;
      const row = (channel: string | null, text: string, toSub: string | null = null) => ({ channel, toSub, fromSub: 'pruner', fromNickname: 'Pruner', text });
      await prisma.chatMessage.createMany({ data: Array.from({ length: CHAT_CHANNEL_HISTORY_LIMIT + 5 }, (_, i) => row('prune-big', `big-${i}`)) });
      await prisma.chatMessage.createMany({ data: Array.from({ length: 3 }, (_, i) => row('prune-small', `small-${i}`)) });
      await prisma.chatMessage.createMany({ data: Array.from({ length: CHAT_CHANNEL_HISTORY_LIMIT + 2 }, (_, i) => row(null, `dm-${i}`, 'prune-target')) });

      await running.app.get(ChatHistoryPruner).sweep();

      const big = await prisma.chatMessage.findMany({ where: { channel: 'prune-big' }, orderBy: { id: 'asc' }, select: { text: true } });
      expect(big).toHaveLength(CHAT_CHANNEL_HISTORY_LIMIT);
      expect(big[0].text).toBe('big-5');
      expect(big[big.length - 1].text).toBe(`big-${CHAT_CHANNEL_HISTORY_LIMIT + 4}`);
      expect(await prisma.chatMessage.count({ where: { channel: 'prune-small' } })).toBe(3);
      expect(await prisma.chatMessage.count({ where: { toSub: 'prune-target' } })).toBe(CHAT_CHANNEL_HISTORY_LIMIT + 2);
    });
  });
});
