import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { RunningApp, startApp } from './support/app';
import { connectClient } from './support/clients';
import { createTestDatabase, postgresAdminUrl, TestDatabase } from './support/database';
import { eventually } from './support/poll';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the samples of Prometheus' text format, skipping comment lines. */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) {
        throw new Error(`not a Prometheus sample: ${line}`);
      }
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, name, value]) => [name, value]));
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;
}

const label = postgresAdminUrl() ? 'PostgreSQL' : 'embedded database, no PostgreSQL configured';

describe(`metrics and request ids (${label})`, () => {
  let database: TestDatabase;
  let running: RunningApp;
  const sockets: Socket[] = [];

  const api = () => request(running.url);
  const auth = () => ({ Authorization: `Bearer ${running.key}` });

  async function scrape(): Promise<Sample[]> {
    const response = await api().get('/metrics');
    expect(response.status).toBe(200);
    return parseMetrics(response.text);
  }

  async function createUser(sub: string): Promise<string> {
    const response = await api().post('/api/server/user').set(auth()).send({ sub, nickname: sub });
    expect(response.status).toBe(200);
    return response.body.token;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    running = await startApp(database, { OMNINANNY_LOCAL_WORKER: 'false' });
  });

  afterEach(() => {
    sockets.splice(0).forEach((socket) => socket.close());
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  it('serves every series', async () => {
    const response = await api().get('/metrics');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'omninanny_connected_sockets',
      'omninanny_users_online',
      'omninanny_commands_sent_total',
      'omninanny_tickets_waiting',
      'omninanny_match_wait_seconds',
      'omninanny_instances',
      'omninanny_workers',
      'omninanny_http_request_duration_seconds',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(response.text).toContain(`# TYPE ${name} `);
    }

    const samples = parseMetrics(response.text);
    expect(valueOf(samples, 'omninanny_tickets_waiting')).toBe(0);
    expect(valueOf(samples, 'omninanny_match_wait_seconds_count')).toBe(0);
    for (const state of ['scheduled', 'starting', 'ready', 'allocated', 'stopping', 'stopped', 'failed']) {
      expect(valueOf(samples, 'omninanny_instances', { state })).toBe(0);
    }
    for (const status of ['online', 'offline', 'draining']) {
      expect(valueOf(samples, 'omninanny_workers', { status })).toBe(0);
    }
  });

  it('counts sockets and distinct users', async () => {
    const token = await createUser('metrics-sockets');
    sockets.push(await connectClient(running.url, { auth: { token } }));
    let samples = await scrape();
    expect(valueOf(samples, 'omninanny_connected_sockets')).toBe(1);
    expect(valueOf(samples, 'omninanny_users_online')).toBe(1);

    sockets.push(await connectClient(running.url, { auth: { token } }));
    samples = await scrape();
    expect(valueOf(samples, 'omninanny_connected_sockets')).toBe(2);
    expect(valueOf(samples, 'omninanny_users_online')).toBe(1);

    sockets.splice(0).forEach((socket) => socket.close());
    samples = await eventually(scrape, (current) => valueOf(current, 'omninanny_connected_sockets') === 0, 5000);
    expect(valueOf(samples, 'omninanny_users_online')).toBe(0);
  });

  it('counts commands by persisted', async () => {
    await createUser('metrics-commands');
    const before = await scrape();

    await api().post('/api/server/user/command').set(auth()).send({ sub: 'metrics-commands', title: 't', body: 1 }).expect(200);
    await api().post('/api/server/user/command').set(auth()).send({ sub: 'metrics-commands', title: 't', body: 1, persist: true }).expect(200);
    await api().post('/api/server/user/command').set(auth()).send({ sub: 'metrics-commands', title: 't', body: 1, persist: true }).expect(200);
    const after = await scrape();

    const sent = (samples: Sample[], persisted: string) => valueOf(samples, 'omninanny_commands_sent_total', { persisted }) ?? 0;
    expect(sent(after, 'false') - sent(before, 'false')).toBe(1);
    expect(sent(after, 'true') - sent(before, 'true')).toBe(2);
  });

  it('reads workers from the database', async () => {
    await api()
      .post('/api/server/worker')
      .set(auth())
      .send({ name: 'metrics-worker', host: '127.0.0.1', capacity: 1, ports: { min: 42300, max: 42301 } })
      .expect(201);

    expect(valueOf(await scrape(), 'omninanny_workers', { status: 'offline' })).toBe(1);
  });

  it('labels HTTP durations by route pattern', async () => {
    await api().get('/api/server/user').query({ sub: 'nobody', key: running.key }).expect(404);
    await api().get('/no/such/route?key=secret').expect(404);
    const samples = await scrape();

    expect(valueOf(samples, 'omninanny_http_request_duration_seconds_count', { method: 'GET', route: '/api/server/user', status: '404' })).toBe(1);
    expect(valueOf(samples, 'omninanny_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    const routes = new Set(samples.filter((sample) => sample.name.startsWith('omninanny_http_request_duration_seconds')).map((sample) => sample.labels.route));
    for (const route of routes) {
      expect(route).not.toMatch(/[?]|nobody|secret|no\/such/);
    }
  });

  it('generates an X-Request-Id', async () => {
    const first = await api().get('/health/live');
    const second = await api().get('/health/live');

    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('echoes safe ids, replaces unsafe ones', async () => {
    const echoed = await api().get('/health/live').set('X-Request-Id', 'lb-7f3a.2');
    const unsafe = await api().get('/health/live').set('X-Request-Id', 'has spaces<script>');
    const tooLong = await api().get('/health/live').set('X-Request-Id', 'a'.repeat(129));

    expect(echoed.headers['x-request-id']).toBe('lb-7f3a.2');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(tooLong.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('with OMNINANNY_METRICS_KEY_REQUIRED=true', () => {
    let guardedDatabase: TestDatabase;
    let guarded: RunningApp;

    beforeAll(async () => {
      guardedDatabase = await createTestDatabase();
      guarded = await startApp(guardedDatabase, { OMNINANNY_LOCAL_WORKER: 'false', OMNINANNY_METRICS_KEY_REQUIRED: 'true' });
    });

    afterAll(async () => {
      await guarded?.close();
      await guardedDatabase?.drop();
    });

    it('needs the server key', async () => {
      const missing = await request(guarded.url).get('/metrics');
      const wrong = await request(guarded.url).get('/metrics').set('Authorization', 'Bearer wrong-key-0123456789');
      const header = await request(guarded.url).get('/metrics').set('Authorization', `Bearer ${guarded.key}`);
      const query = await request(guarded.url).get('/metrics').query({ key: guarded.key });

      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({ code: 401, message: 'invalid key' });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toEqual({ code: 401, message: 'invalid key' });
      expect(header.status).toBe(200);
      expect(header.text).toContain('omninanny_connected_sockets');
      expect(query.status).toBe(200);
    });
  });
});
