import request from 'supertest';
import { gamePortRange } from './support/game-ports';
import type { Socket } from 'socket.io-client';
import { AgentProcess, GAME_SERVER, startAgentProcess } from './support/agent-process';
import { TEST_KEY } from './support/app';
import { collectEvents, connectClient, createClient, disconnection, nextEvent, sleep } from './support/clients';
import { createTestDatabase, postgresAdminUrl, TestDatabase } from './support/database';
import { NodeProcess, startNodeProcess } from './support/node-process';
import { eventually } from './support/poll';
import { describeWithRedis, redisClusterEnv } from './support/redis';
import { TcpBalancer } from './support/tcp-balancer';
import { isPortOpen, readFirstLine } from './support/tcp';

const auth = { Authorization: `Bearer ${TEST_KEY}` };

/**
 * Three control-plane processes on one PostgreSQL and one Redis must behave as one
 * service: presence, commands, disconnects, agents and matchmaking across nodes, and
 * clients and agents that move to another node when theirs dies.
 */
const describeCluster = postgresAdminUrl() || process.env.CI ? describeWithRedis : describe.skip;

describeCluster('cluster of three nodes', () => {
  let database: TestDatabase;
  let nodeA: NodeProcess;
  let nodeB: NodeProcess;
  let nodeC: NodeProcess;
  let balancer: TcpBalancer;
  let balancerUrl: string;
  const agents: AgentProcess[] = [];
  const sockets: Socket[] = [];

  async function createUser(via: NodeProcess, sub: string): Promise<string> {
    const response = await request(via.url).post('/api/server/user').set(auth).send({ sub, nickname: sub });
    expect(response.status).toBe(200);
    return response.body.token;
  }

  async function connect(url: string, token: string): Promise<Socket> {
    const socket = await connectClient(url, { auth: { token } });
    sockets.push(socket);
    return socket;
  }

  async function workerStatus(via: NodeProcess, name: string): Promise<string | undefined> {
    const response = await request(via.url).get('/api/server/worker').query({ id: name }).set(auth);
    return response.body.workers?.[0]?.status;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      DATABASE_URL: database.url!,
      OMNINANNY_DATA_DIR: database.dataDir,
      OMNINANNY_LOCAL_WORKER: 'false',
      OMNINANNY_WORKER_HEARTBEAT_SECONDS: '1',
      OMNINANNY_WORKER_TIMEOUT_SECONDS: '15',
      OMNINANNY_STOP_GRACE_SECONDS: '2',
      ...redisClusterEnv(),
    };
    nodeA = await startNodeProcess(env);
    [nodeB, nodeC] = await Promise.all([startNodeProcess(env), startNodeProcess(env)]);

    balancer = new TcpBalancer([nodeA.port, nodeB.port]);
    balancerUrl = `http://127.0.0.1:${await balancer.listen()}`;

    await request(nodeA.url)
      .post('/api/server/server')
      .set(auth)
      .send({ name: 'arena', modes: ['duel'], command: process.execPath, args: [GAME_SERVER], players: { min: 2, max: 2 }, env: { GAME_MAX_LIFETIME_MS: '180000' } });
  }, 120_000);

  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });

  afterAll(async () => {
    for (const agent of agents) {
      await agent.stop();
    }
    await balancer?.close();
    await Promise.all([nodeA, nodeB, nodeC].map((node) => node?.stop()));
    await database?.drop();
  }, 60_000);

  it('sees presence and delivers commands across nodes', async () => {
    const token = await createUser(nodeA, 'roamer');
    const socket = await connect(nodeA.url, token);

    const info = await request(nodeB.url).get('/api/server/user').query({ sub: 'roamer' }).set(auth);
    expect(info.body.is_online).toBe(true);

    const received = nextEvent<{ title: string }>(socket, 'command');
    const sent = await request(nodeB.url).post('/api/server/user/command').set(auth).send({ sub: 'roamer', title: 'via-b', body: { n: 1 } });
    expect(sent.body).toEqual({ code: 200, sent: true, sub: 'roamer' });
    expect((await received).title).toBe('via-b');
  });

  it('closes sockets on every node from a third one', async () => {
    const token = await createUser(nodeA, 'two-nodes');
    const onA = await connect(nodeA.url, token);
    const onB = await connect(nodeB.url, token);
    const closed = [disconnection(onA), disconnection(onB)];

    const response = await request(nodeC.url).delete('/api/server/user').query({ sub: 'two-nodes', revoke: 'true' }).set(auth);

    expect(response.body).toEqual({ code: 200, disconnected: true, sub: 'two-nodes' });
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    await expect(connectClient(nodeA.url, { auth: { token } })).rejects.toThrow('invalid token');
    const offline = await request(nodeB.url).get('/api/server/user').query({ sub: 'two-nodes' }).set(auth);
    expect(offline.body.is_online).toBe(false);
  });

  it('starts an instance through B on an agent connected to A', async () => {
    const worker = await request(nodeA.url).post('/api/server/worker').set(auth).send({ name: 'on-a', host: '127.0.0.1', capacity: 4, ports: gamePortRange(10) });
    agents.push(startAgentProcess(nodeA.url, worker.body.token));
    await eventually(() => workerStatus(nodeC, 'on-a'), (status) => status === 'online', 15_000);

    const created = await request(nodeB.url).post('/api/server/server/orchestration').set(auth).send({ server: 'arena', worker: 'on-a', wait: true });
    expect(created.body.state).toBe('ready');
    expect(JSON.parse(await readFirstLine('127.0.0.1', created.body.port)).instance).toBe(created.body.id);

    const stopped = await request(nodeC.url).delete('/api/server/server/orchestration').query({ id: created.body.id, wait: 'true' }).set(auth);
    expect(stopped.body.instance.state).toBe('stopped');
    expect(await isPortOpen('127.0.0.1', created.body.port)).toBe(false);
  });

  it('matches players connected to different nodes', async () => {
    const alice = await connect(nodeA.url, await createUser(nodeA, 'alice'));
    const bob = await connect(nodeB.url, await createUser(nodeB, 'bob'));
    const matched = [nextEvent<{ instance: string; port: number }>(alice, 'matchmaking:matched', 20_000), nextEvent<{ instance: string; port: number }>(bob, 'matchmaking:matched', 20_000)];

    expect(await alice.emitWithAck('matchmaking:join', { mode: 'duel' })).toMatchObject({ ok: true });
    expect(await bob.emitWithAck('matchmaking:join', { mode: 'duel' })).toMatchObject({ ok: true });

    const [forAlice, forBob] = await Promise.all(matched);
    expect(forAlice.instance).toBe(forBob.instance);
    const info = await request(nodeC.url).get('/api/server/user').query({ sub: 'bob' }).set(auth);
    expect(info.body.match).toEqual({ in_match: true, host: '127.0.0.1', port: forBob.port, mode: 'duel' });

    await request(nodeC.url).delete('/api/server/server/orchestration').query({ id: forAlice.instance, wait: 'true' }).set(auth);
  });

  it('moves clients and agents to a live node when theirs dies', async () => {
    // Through the balancer: the agent lands on A, the client on B, the second client on A.
    const worker = await request(nodeC.url).post('/api/server/worker').set(auth).send({ name: 'movable', host: '127.0.0.1', capacity: 2, ports: gamePortRange(10) });
    const agent = startAgentProcess(balancerUrl, worker.body.token);
    agents.push(agent);
    await eventually(() => workerStatus(nodeC, 'movable'), (status) => status === 'online', 15_000);
    const instance = await request(nodeC.url).post('/api/server/server/orchestration').set(auth).send({ server: 'arena', worker: 'movable', wait: true });
    expect(instance.body.state).toBe('ready');

    const token = await createUser(nodeC, 'survivor');
    await connect(balancerUrl, await createUser(nodeC, 'filler'));
    const survivor = createClient(balancerUrl, { auth: { token }, reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 1000 });
    sockets.push(survivor);
    const commands = collectEvents<{ id: string; title: string }>(survivor, 'command');
    await new Promise<void>((resolve) => survivor.once('connect', () => resolve()).connect());

    await nodeA.kill();
    await sleep(300);

    // A persisted command sent while the client is moving reaches it exactly once.
    const sent = await request(nodeC.url).post('/api/server/user/command').set(auth).send({ sub: 'survivor', title: 'keep', body: 1, persist: true });
    expect(sent.body.queued).toBe(true);
    await eventually(async () => commands.filter((command) => command.title === 'keep').length, (count) => count >= 1, 15_000);
    const kept = commands.find((command) => command.title === 'keep')!;
    expect(await survivor.emitWithAck('command:ack', { id: kept.id })).toEqual({ ok: true });

    survivor.disconnect();
    survivor.connect();
    await eventually(async () => survivor.connected, (connected) => connected, 10_000);
    await sleep(500);
    expect(commands.filter((command) => command.title === 'keep')).toHaveLength(1);

    // The agent reconnected elsewhere: the worker stays online and its instance is still served.
    await eventually(() => workerStatus(nodeC, 'movable'), (status) => status === 'online', 15_000);
    await sleep(2000);
    const after = await request(nodeC.url).get('/api/server/server/orchestration').query({ id: instance.body.id }).set(auth);
    expect(after.body.instances[0].state).toBe('ready');
    expect(await isPortOpen('127.0.0.1', instance.body.port)).toBe(true);

    const stopped = await request(nodeB.url).delete('/api/server/server/orchestration').query({ id: instance.body.id, wait: 'true' }).set(auth);
    expect(stopped.body.instance.state).toBe('stopped');
  });
});
