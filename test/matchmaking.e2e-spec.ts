import request from 'supertest';
import { gamePortRange } from './support/game-ports';
import type { Socket } from 'socket.io-client';
import { AgentProcess, GAME_SERVER, startAgentProcess } from './support/agent-process';
import { RunningApp, startApp } from './support/app';
import { collectEvents, connectClient, nextEvent, sleep } from './support/clients';
import { createTestDatabase, TestDatabase } from './support/database';
import { eventually } from './support/poll';
import { isPortOpen, readFirstLine } from './support/tcp';

interface Matched {
  ticket: string;
  mode: string;
  host: string;
  port: number;
  instance: string;
  players: string[];
}

describe('matchmaking', () => {
  let database: TestDatabase;
  let running: RunningApp;
  let agent: AgentProcess;
  const sockets: Socket[] = [];

  const api = () => request(running.url);
  const auth = () => ({ Authorization: `Bearer ${running.key}` });

  async function defineServer(name: string, modes: string[], overrides: Record<string, unknown> = {}) {
    const response = await api()
      .post('/api/server/server')
      .set(auth())
      .send({
        name,
        modes,
        command: process.execPath,
        args: [GAME_SERVER],
        players: { min: 2, max: 2 },
        match_wait_seconds: 30,
        env: { GAME_MAX_LIFETIME_MS: '120000' },
        ...overrides,
      });
    expect(response.status).toBe(201);
  }

  async function player(sub: string): Promise<Socket> {
    const created = await api().post('/api/server/user').set(auth()).send({ sub, nickname: `nick-${sub}` });
    const socket = await connectClient(running.url, { auth: { token: created.body.token } });
    sockets.push(socket);
    return socket;
  }

  async function userInfo(sub: string) {
    return (await api().get('/api/server/user').query({ sub }).set(auth())).body;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    running = await startApp(database, {
      OMNINANNY_LOCAL_WORKER: 'false',
      OMNINANNY_WORKER_HEARTBEAT_SECONDS: '1',
      OMNINANNY_WORKER_TIMEOUT_SECONDS: '5',
      OMNINANNY_STOP_GRACE_SECONDS: '2',
    });
    const worker = await api().post('/api/server/worker').set(auth()).send({ name: 'mm', host: '127.0.0.1', capacity: 6, ports: gamePortRange(50) });
    agent = startAgentProcess(running.url, worker.body.token);
    await eventually(
      () => api().get('/api/server/worker').query({ id: 'mm' }).set(auth()).then((response) => response.body.workers[0].status),
      (status) => status === 'online',
      15_000,
    );

    await defineServer('duel-server', ['duel']);
    await defineServer('trio-server', ['trio'], { players: { min: 2, max: 3 }, match_wait_seconds: 1 });
    await defineServer('patient-server', ['lonely'], { ticket_timeout_seconds: 1 });
    await defineServer('pool-server', ['pool'], { readiness: { type: 'tcp' } });
  });

  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    // Free the worker's capacity for the next test.
    const live = await api().get('/api/server/server/orchestration').query({ limit: 1000 }).set(auth());
    for (const instance of live.body.instances.filter((entry: { state: string }) => !['stopped', 'failed'].includes(entry.state))) {
      await api().delete('/api/server/server/orchestration').query({ id: instance.id, wait: 'true' }).set(auth());
    }
  });

  afterAll(async () => {
    await agent?.stop();
    await running?.close();
    await database?.drop();
  });

  it('two players share one game server', async () => {
    const alice = await player('alice');
    const bob = await player('bob');
    const aliceMatched = nextEvent<Matched>(alice, 'matchmaking:matched', 20_000);
    const bobMatched = nextEvent<Matched>(bob, 'matchmaking:matched', 20_000);

    const aliceJoin = await alice.emitWithAck('matchmaking:join', { mode: 'duel' });
    const bobJoin = await bob.emitWithAck('matchmaking:join', { mode: 'duel', properties: { skill: 1200 } });
    expect(aliceJoin).toEqual({ ok: true, ticket: expect.any(String) });
    expect(bobJoin).toEqual({ ok: true, ticket: expect.any(String) });

    const [forAlice, forBob] = await Promise.all([aliceMatched, bobMatched]);
    expect(forAlice).toEqual({ ticket: aliceJoin.ticket, mode: 'duel', host: '127.0.0.1', port: forBob.port, instance: forBob.instance, players: expect.any(Array) });
    expect(forBob.ticket).toBe(bobJoin.ticket);
    expect([...forAlice.players].sort()).toEqual(['alice', 'bob']);

    const greeting = JSON.parse(await readFirstLine(forAlice.host, forAlice.port));
    expect(greeting.instance).toBe(forAlice.instance);
    expect([...greeting.players].sort()).toEqual(['alice', 'bob']);

    expect((await userInfo('alice')).match).toEqual({ in_match: true, host: '127.0.0.1', port: forAlice.port, mode: 'duel' });
    expect((await alice.emitWithAck('user:me')).match).toEqual({ in_match: true, host: '127.0.0.1', port: forAlice.port, mode: 'duel' });
    expect(await alice.emitWithAck('matchmaking:join', { mode: 'duel' })).toMatchObject({ ok: false, code: 409 });

    await api().delete('/api/server/server/orchestration').query({ id: forAlice.instance, wait: 'true' }).set(auth());
    expect((await userInfo('alice')).match).toEqual({ in_match: false, host: null, port: null, mode: null });
    expect((await userInfo('bob')).match).toEqual({ in_match: false, host: null, port: null, mode: null });
  });

  it('takes a ready instance from the pool', async () => {
    const pooled = await api().post('/api/server/server/orchestration').set(auth()).send({ server: 'pool-server', wait: true });
    expect(pooled.body.state).toBe('ready');
    const carol = await player('carol');
    const dave = await player('dave');
    const matched = nextEvent<Matched>(carol, 'matchmaking:matched', 10_000);

    await carol.emitWithAck('matchmaking:join', { mode: 'pool' });
    await dave.emitWithAck('matchmaking:join', { mode: 'pool' });

    expect((await matched).instance).toBe(pooled.body.id);
    const instance = await api().get('/api/server/server/orchestration').query({ id: pooled.body.id }).set(auth());
    expect(instance.body.instances[0]).toMatchObject({ state: 'allocated', mode: 'pool' });
    expect([...instance.body.instances[0].players].sort()).toEqual(['carol', 'dave']);
  });

  it('forms a full match at once and a smaller one after the wait', async () => {
    const trio = await Promise.all(['t1', 't2', 't3'].map(player));
    const matched = trio.map((socket) => nextEvent<Matched>(socket, 'matchmaking:matched', 20_000));
    for (const socket of trio) {
      await socket.emitWithAck('matchmaking:join', { mode: 'trio' });
    }
    const full = await Promise.all(matched);
    expect(new Set(full.map((event) => event.instance)).size).toBe(1);
    expect(full[0].players).toHaveLength(3);

    const pair = await Promise.all(['p1', 'p2'].map(player));
    const started = Date.now();
    const pairMatched = pair.map((socket) => nextEvent<Matched>(socket, 'matchmaking:matched', 20_000));
    for (const socket of pair) {
      await socket.emitWithAck('matchmaking:join', { mode: 'trio' });
    }
    const partial = await Promise.all(pairMatched);
    expect(partial[0].players).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('allows one waiting ticket per user and cancels it on leave', async () => {
    const erin = await player('erin');
    const failed = nextEvent<{ ticket: string; reason: string }>(erin, 'matchmaking:failed');

    const first = await erin.emitWithAck('matchmaking:join', { mode: 'duel' });
    const second = await erin.emitWithAck('matchmaking:join', { mode: 'duel' });
    expect(second).toEqual({ ok: false, code: 409, message: `a ticket is already waiting: ${first.ticket}` });

    expect(await erin.emitWithAck('matchmaking:leave', {})).toEqual({ ok: true, cancelled: true });
    expect(await failed).toEqual({ ticket: first.ticket, reason: 'cancelled' });
    expect(await erin.emitWithAck('matchmaking:leave', {})).toEqual({ ok: true, cancelled: false });
    expect(await erin.emitWithAck('matchmaking:join', { mode: 'duel' })).toMatchObject({ ok: true });
    await erin.emitWithAck('matchmaking:leave', {});
  });

  it('cancels the ticket of a player who disconnects', async () => {
    const frank = await player('frank');
    await frank.emitWithAck('matchmaking:join', { mode: 'duel' });
    frank.close();
    await sleep(300);

    const grace = await player('grace');
    const graceEvents = collectEvents(grace, 'matchmaking:matched');
    await grace.emitWithAck('matchmaking:join', { mode: 'duel' });
    await sleep(1000);

    expect(graceEvents).toEqual([]);
    await grace.emitWithAck('matchmaking:leave', {});
  });

  it('fails a ticket after its server ticket timeout', async () => {
    const heidi = await player('heidi');
    const failed = nextEvent<{ ticket: string; reason: string }>(heidi, 'matchmaking:failed', 5000);

    const joined = await heidi.emitWithAck('matchmaking:join', { mode: 'lonely' });

    expect(await failed).toEqual({ ticket: joined.ticket, reason: 'timeout' });
  });

  it('rejects unknown modes and bad payloads in the acknowledgement', async () => {
    const ivan = await player('ivan');

    expect(await ivan.emitWithAck('matchmaking:join', { mode: 'chess' })).toEqual({ ok: false, code: 404, message: 'no server plays mode chess' });
    expect(await ivan.emitWithAck('matchmaking:join', {})).toMatchObject({ ok: false, code: 400, message: 'invalid body' });
    expect(await ivan.emitWithAck('matchmaking:join', { mode: 7 })).toMatchObject({ ok: false, code: 400 });
    expect(await ivan.emitWithAck('matchmaking:join', { mode: 'duel', properties: 'fast' })).toMatchObject({ ok: false, code: 400 });
    expect(await ivan.emitWithAck('matchmaking:join', { mode: 'duel', extra: 1 })).toMatchObject({ ok: false, code: 400 });
    expect(await ivan.emitWithAck('matchmaking:join', { mode: 'duel', properties: { blob: 'x'.repeat(5000) } })).toMatchObject({ ok: false, code: 400 });
  });

  it('fails the match when no worker has capacity', async () => {
    // Fill the worker with instances of a server that does not play duel, so none can be taken for the match.
    const fillers = [];
    for (let i = 0; i < 6; i++) {
      fillers.push(await api().post('/api/server/server/orchestration').set(auth()).send({ server: 'trio-server' }));
    }
    expect(fillers.every((response) => response.status === 201)).toBe(true);

    const judy = await player('judy');
    const ken = await player('ken');
    const failed = nextEvent<{ ticket: string; reason: string }>(judy, 'matchmaking:failed', 10_000);
    const joined = await judy.emitWithAck('matchmaking:join', { mode: 'duel' });
    expect(joined).toMatchObject({ ok: true });
    expect(await ken.emitWithAck('matchmaking:join', { mode: 'duel' })).toMatchObject({ ok: true });

    expect(await failed).toEqual({ ticket: joined.ticket, reason: 'no capacity' });
  });

  it('leaves the port closed after the match instance stops', async () => {
    const leo = await player('leo');
    const mia = await player('mia');
    const matched = nextEvent<Matched>(leo, 'matchmaking:matched', 20_000);
    await leo.emitWithAck('matchmaking:join', { mode: 'duel' });
    await mia.emitWithAck('matchmaking:join', { mode: 'duel' });
    const match = await matched;

    await api().delete('/api/server/server/orchestration').query({ id: match.instance, wait: 'true' }).set(auth());

    expect(await isPortOpen(match.host, match.port)).toBe(false);
  });
});
