import request from 'supertest';
import { gamePortRange } from './support/game-ports';
import type { Socket } from 'socket.io-client';
import { AgentProcess, startAgentProcess } from './support/agent-process';
import { RunningApp, startApp } from './support/app';
import { connectClient, nextEvent } from './support/clients';
import { createTestDatabase, postgresAdminUrl, TestDatabase } from './support/database';
import { eventually } from './support/poll';
import { describeWithRedis, redisClusterEnv } from './support/redis';

interface Matched {
  ticket: string;
  instance: string;
  players: string[];
}

const PLAYERS = 200;
const NODE_ENV = { OMNINANNY_LOCAL_WORKER: 'false', OMNINANNY_WORKER_HEARTBEAT_SECONDS: '1', OMNINANNY_STOP_GRACE_SECONDS: '2', ...redisClusterEnv() };

/**
 * Two control-plane nodes on one database and one Redis, each with its own matcher, and a
 * warm pool of ready instances: every ticket must match exactly once. Redis carries the
 * match events to players connected to the other node.
 */
// Two nodes need a shared PostgreSQL: the embedded database admits one process.
const describeScale = postgresAdminUrl() || process.env.CI ? describeWithRedis : describe.skip;

describeScale('matchmaking at scale with two matchers', () => {
  let database: TestDatabase;
  let nodeA: RunningApp;
  let nodeB: RunningApp;
  let agent: AgentProcess;
  const sockets: Socket[] = [];

  const auth = () => ({ Authorization: `Bearer ${nodeA.key}` });

  beforeAll(async () => {
    database = await createTestDatabase();
    nodeA = await startApp(database, NODE_ENV);
    nodeB = await startApp(database, NODE_ENV);

    const worker = await request(nodeA.url).post('/api/server/worker').set(auth()).send({ name: 'pool', host: '127.0.0.1', capacity: 120, ports: gamePortRange(200) });
    agent = startAgentProcess(nodeA.url, worker.body.token);
    await eventually(
      () => request(nodeA.url).get('/api/server/worker').query({ id: 'pool' }).set(auth()).then((response) => response.body.workers[0].status),
      (status) => status === 'online',
      15_000,
    );

    await request(nodeA.url)
      .post('/api/server/server')
      .set(auth())
      .send({ name: 'sleeper', modes: ['crowd'], command: 'sleep', args: ['300'], players: { min: 2, max: 2 }, readiness: { type: 'none' } });
    for (let i = 0; i < PLAYERS / 2; i++) {
      const created = await request(nodeA.url).post('/api/server/server/orchestration').set(auth()).send({ server: 'sleeper', wait: true });
      expect(created.body.state).toBe('ready');
    }
  }, 120_000);

  afterAll(async () => {
    sockets.splice(0).forEach((socket) => socket.close());
    await agent?.stop();
    await nodeA?.close();
    await nodeB?.close();
    await database?.drop();
  }, 60_000);

  it('makes exactly 100 matches from 200 players', async () => {
    const players = Array.from({ length: PLAYERS }, (_, i) => `player-${i}`);
    for (const [i, sub] of players.entries()) {
      const created = await request(nodeA.url).post('/api/server/user').set(auth()).send({ sub, nickname: sub });
      const node = i % 2 === 0 ? nodeA : nodeB;
      sockets.push(await connectClient(node.url, { auth: { token: created.body.token } }));
    }

    const received = new Map<string, Matched[]>(players.map((sub) => [sub, []]));
    sockets.forEach((socket, i) => socket.on('matchmaking:matched', (event: Matched) => received.get(players[i])!.push(event)));
    const firstMatches = sockets.map((socket) => nextEvent<Matched>(socket, 'matchmaking:matched', 60_000));

    const acks = await Promise.all(sockets.map((socket) => socket.emitWithAck('matchmaking:join', { mode: 'crowd' })));
    expect(acks.filter((ack) => ack.ok)).toHaveLength(PLAYERS);
    await Promise.all(firstMatches);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const perPlayer = players.map((sub) => received.get(sub)!.length);
    expect(perPlayer.every((count) => count === 1)).toBe(true);

    const byInstance = new Map<string, string[]>();
    for (const [sub, events] of received) {
      const list = byInstance.get(events[0].instance) ?? [];
      list.push(sub);
      byInstance.set(events[0].instance, list);
    }
    expect(byInstance.size).toBe(PLAYERS / 2);
    expect([...byInstance.values()].every((subs) => subs.length === 2)).toBe(true);

    const instances = await request(nodeA.url).get('/api/server/server/orchestration').query({ server: 'sleeper', state: 'allocated', limit: 1000 }).set(auth());
    expect(instances.body.instances).toHaveLength(PLAYERS / 2);
    const allocatedPlayers = instances.body.instances.flatMap((instance: { players: string[] }) => instance.players);
    expect(new Set(allocatedPlayers).size).toBe(PLAYERS);
  }, 120_000);
});
