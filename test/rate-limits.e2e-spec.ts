import request from 'supertest';
import { connectClient } from './support/clients';
import { RunningApp, startApp } from './support/app';
import { createTestDatabase, postgresAdminUrl, TestDatabase } from './support/database';
import { describeWithRedis, redisClusterEnv } from './support/redis';

const LIMITS = {
  OMNINANNY_LOCAL_WORKER: 'false',
  OMNINANNY_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '3',
  OMNINANNY_RATE_LIMIT_CONNECTS_PER_MINUTE: '4',
  OMNINANNY_RATE_LIMIT_EVENTS_PER_10S: '5',
};

describe('rate limits on one node', () => {
  let database: TestDatabase;
  let running: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    running = await startApp(database, LIMITS);
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  it('answers 429 after too many wrong keys, but not to the right key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await request(running.url).get('/api/server/user').query({ sub: 'x', key: 'wrong' })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);

    const limited = await request(running.url).get('/api/server/user').query({ sub: 'x', key: 'wrong' });
    expect(limited.body).toEqual({ code: 429, message: expect.stringMatching(/^rate limit exceeded: at most 3 requests with a wrong key per minute; retry in \d+ s$/) });

    const right = await request(running.url).post('/api/server/user').set('Authorization', `Bearer ${running.key}`).send({ sub: 'limited', nickname: 'l' });
    expect(right.status).toBe(200);
  });

  it('answers events past the per-socket limit with 429 and keeps the socket', async () => {
    const created = await request(running.url).post('/api/server/user').set('Authorization', `Bearer ${running.key}`).send({ sub: 'chatty', nickname: 'c' });
    const socket = await connectClient(running.url, { auth: { token: created.body.token } });

    try {
      const acks = [];
      for (let i = 0; i < 7; i++) {
        acks.push(await socket.emitWithAck('user:me'));
      }
      expect(acks.slice(0, 5).every((ack) => ack.ok)).toBe(true);
      expect(acks[5]).toEqual({ ok: false, code: 429, message: 'rate limit exceeded: at most 5 events per 10 s' });
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('rejects handshakes past the per-address limit', async () => {
    const created = await request(running.url).post('/api/server/user').set('Authorization', `Bearer ${running.key}`).send({ sub: 'reconnector', nickname: 'r' });
    const outcomes: string[] = [];
    // The previous test used one handshake of this address's budget of 4.
    for (let i = 0; i < 4; i++) {
      try {
        const socket = await connectClient(running.url, { auth: { token: created.body.token } });
        outcomes.push('connected');
        socket.close();
      } catch (error) {
        outcomes.push((error as Error).message);
      }
    }
    expect(outcomes.slice(0, 3)).toEqual(['connected', 'connected', 'connected']);
    expect(outcomes[3]).toBe('rate limit exceeded: at most 4 connections per minute from one address');
  });
});

const describeShared = postgresAdminUrl() || process.env.CI ? describeWithRedis : describe.skip;

describeShared('rate limits shared by two nodes through Redis', () => {
  let database: TestDatabase;
  let nodeA: RunningApp;
  let nodeB: RunningApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...LIMITS, OMNINANNY_RATE_LIMIT_API_PER_MINUTE: '5', ...redisClusterEnv() };
    nodeA = await startApp(database, env);
    nodeB = await startApp(database, env);
  });

  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await database?.drop();
  });

  it('reports Redis in the readiness probe', async () => {
    const ready = await request(nodeA.url).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', database: 'up', redis: 'up' });
  });

  it('counts API requests of both nodes against one limit', async () => {
    // The limiter counts in fixed one-minute windows: start well inside one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) {
      await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 100));
    }

    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const node = i % 2 === 0 ? nodeA : nodeB;
      const response = await request(node.url).post('/api/server/user').set('Authorization', `Bearer ${node.key}`).send({ sub: `u${i}`, nickname: 'n' });
      statuses.push(response.status);
    }

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  }, 90_000);
});
