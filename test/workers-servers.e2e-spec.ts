import request from 'supertest';
import { RunningApp, startApp } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const WORKER_FIELDS = ['agent_version', 'capacity', 'created_at', 'host', 'id', 'labels', 'last_seen_at', 'name', 'ports', 'region', 'running_instances', 'status'];

describe('workers and servers API', () => {
  let database: TestDatabase;
  let running: RunningApp;

  const api = () => request(running.url);
  const auth = () => ({ Authorization: `Bearer ${running.key}` });
  const worker = (overrides: Record<string, unknown> = {}) => ({ name: 'w1', host: '127.0.0.1', capacity: 2, ports: { min: 42000, max: 42009 }, ...overrides });
  const server = (overrides: Record<string, unknown> = {}) => ({ name: 's1', modes: ['duel'], command: process.execPath, players: { min: 2, max: 2 }, ...overrides });

  beforeAll(async () => {
    database = await createTestDatabase();
    running = await startApp(database, { OMNINANNY_LOCAL_WORKER: 'false' });
  });

  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  describe('workers', () => {
    it('POST returns the worker and a one-time token', async () => {
      const response = await api().post('/api/server/worker').set(auth()).send(worker({ name: 'created', region: 'eu', labels: { gpu: 'none' } }));

      expect(response.status).toBe(201);
      expect(Object.keys(response.body).sort()).toEqual([...WORKER_FIELDS, 'token'].sort());
      expect(response.body).toMatchObject({
        id: expect.stringMatching(UUID),
        name: 'created',
        host: '127.0.0.1',
        region: 'eu',
        capacity: 2,
        ports: { min: 42000, max: 42009 },
        labels: { gpu: 'none' },
        status: 'offline',
        last_seen_at: null,
        running_instances: 0,
      });
      expect(response.body.token).toMatch(/^wkr_[\w-]{43}$/);
    });

    it('GET lists workers without tokens', async () => {
      const created = await api().post('/api/server/worker').set(auth()).send(worker({ name: 'listed' }));
      const response = await api().get('/api/server/worker').set(auth());

      expect(response.status).toBe(200);
      const listed = response.body.workers.find((entry: { name: string }) => entry.name === 'listed');
      expect(Object.keys(listed).sort()).toEqual(WORKER_FIELDS);
      expect(JSON.stringify(response.body)).not.toContain(created.body.token);
    });

    it('GET filters by id or name', async () => {
      const created = await api().post('/api/server/worker').set(auth()).send(worker({ name: 'filtered' }));

      const byName = await api().get('/api/server/worker').query({ id: 'filtered' }).set(auth());
      expect(byName.body.workers.map((entry: { id: string }) => entry.id)).toEqual([created.body.id]);

      const byId = await api().get('/api/server/worker').query({ id: created.body.id }).set(auth());
      expect(byId.body.workers.map((entry: { name: string }) => entry.name)).toEqual(['filtered']);

      const unknown = await api().get('/api/server/worker').query({ id: 'nope' }).set(auth());
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ code: 404, message: 'worker not found: nope' });
    });

    it('POST answers 409 for a duplicate name', async () => {
      await api().post('/api/server/worker').set(auth()).send(worker({ name: 'twice' }));
      const response = await api().post('/api/server/worker').set(auth()).send(worker({ name: 'twice' }));

      expect(response.status).toBe(409);
      expect(response.body).toEqual({ code: 409, message: 'a worker named twice already exists' });
    });

    it.each([
      ['empty name', { name: '' }],
      ['name with a space', { name: 'a b' }],
      ['numeric name', { name: 5 }],
      ['missing host', { host: undefined }],
      ['zero capacity', { capacity: 0 }],
      ['fractional capacity', { capacity: 1.5 }],
      ['capacity as text', { capacity: '3' }],
      ['inverted port range', { ports: { min: 42010, max: 42000 } }],
      ['port above 65535', { ports: { min: 1, max: 70000 } }],
      ['ports as text', { ports: '42000-42009' }],
      ['labels with a number', { labels: { a: 1 } }],
      ['unknown field', { cpu: 4 }],
    ])('POST answers 400 for %s', async (_case, overrides) => {
      const response = await api().post('/api/server/worker').set(auth()).send(worker({ name: 'bad', ...overrides }));

      expect(response.status).toBe(400);
      expect(response.body.code).toBe(400);
      expect(response.body.message).toBe('invalid body');
      expect(response.body.errors.length).toBeGreaterThan(0);
    });

    it('DELETE removes a worker by name, then answers 404', async () => {
      const created = await api().post('/api/server/worker').set(auth()).send(worker({ name: 'deleted' }));

      const response = await api().delete('/api/server/worker').query({ id: 'deleted' }).set(auth());
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ code: 200, deleted: true, id: created.body.id });

      const again = await api().delete('/api/server/worker').send({ id: created.body.id }).set(auth());
      expect(again.status).toBe(404);
    });

    it('DELETE answers 400 without an id and 401 without the key', async () => {
      expect((await api().delete('/api/server/worker').set(auth())).status).toBe(400);
      expect((await api().delete('/api/server/worker').query({ id: 'x' })).body).toEqual({ code: 401, message: 'invalid key' });
    });
  });

  describe('servers', () => {
    it('POST returns the definition with defaults', async () => {
      const response = await api().post('/api/server/server').set(auth()).send(server({ name: 'defaults' }));

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(UUID),
        name: 'defaults',
        modes: ['duel'],
        command: process.execPath,
        args: [],
        env: {},
        players: { min: 2, max: 2 },
        match_wait_seconds: 30,
        max_instances: null,
        readiness: { type: 'tcp' },
        start_timeout_seconds: 30,
        ticket_timeout_seconds: 120,
        running_instances: 0,
        created_at: expect.any(String),
      });
    });

    it('POST keeps every given field', async () => {
      const input = server({
        name: 'full',
        modes: ['ranked-battle-royale', 'casual'],
        args: ['--port', '{port}'],
        env: { LOG_LEVEL: 'debug' },
        players: { min: 2, max: 10 },
        match_wait_seconds: 5,
        max_instances: 3,
        readiness: { type: 'log', pattern: 'listening on \\d+' },
        start_timeout_seconds: 12,
      });
      const response = await api().post('/api/server/server').set(auth()).send(input);

      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ ...input, running_instances: 0 });
    });

    it('POST answers 409 for a duplicate name and GET finds it', async () => {
      await api().post('/api/server/server').set(auth()).send(server({ name: 'unique' }));
      const duplicate = await api().post('/api/server/server').set(auth()).send(server({ name: 'unique' }));
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toEqual({ code: 409, message: 'a server named unique already exists' });

      const listed = await api().get('/api/server/server').query({ id: 'unique' }).set(auth());
      expect(listed.body.servers).toHaveLength(1);
    });

    it.each([
      ['no modes', { modes: [] }],
      ['a non-string mode', { modes: [1] }],
      ['duplicate modes', { modes: ['a', 'a'] }],
      ['empty command', { command: '' }],
      ['args not strings', { args: [1, 2] }],
      ['inverted players', { players: { min: 3, max: 2 } }],
      ['zero players', { players: { min: 0, max: 2 } }],
      ['negative wait', { match_wait_seconds: -1 }],
      ['zero max_instances', { max_instances: 0 }],
      ['unknown readiness', { readiness: { type: 'http' } }],
      ['log readiness without pattern', { readiness: { type: 'log' } }],
      ['invalid pattern', { readiness: { type: 'log', pattern: '([' } }],
      ['pattern on tcp readiness', { readiness: { type: 'tcp', pattern: 'x' } }],
      ['invalid env name', { env: { 'BAD-NAME': 'x' } }],
      ['env value not a string', { env: { A: 1 } }],
      ['zero start timeout', { start_timeout_seconds: 0 }],
    ])('POST answers 400 for %s', async (_case, overrides) => {
      const response = await api().post('/api/server/server').set(auth()).send(server({ name: 'bad', ...overrides }));

      expect(response.status).toBe(400);
      expect(response.body.message).toBe('invalid body');
      expect(response.body.errors.length).toBeGreaterThan(0);
    });

    it('DELETE removes a server and answers 404 after', async () => {
      const created = await api().post('/api/server/server').set(auth()).send(server({ name: 'gone' }));

      const response = await api().delete('/api/server/server').send({ id: created.body.id }).set(auth());
      expect(response.body).toEqual({ code: 200, deleted: true, id: created.body.id });
      expect((await api().delete('/api/server/server').query({ id: 'gone' }).set(auth())).status).toBe(404);
    });
  });

  describe('orchestration without workers', () => {
    it('POST answers 503 when no worker is online', async () => {
      await api().post('/api/server/server').set(auth()).send(server({ name: 'lonely' }));
      const response = await api().post('/api/server/server/orchestration').set(auth()).send({ server: 'lonely' });

      expect(response.status).toBe(503);
      expect(response.body).toEqual({ code: 503, message: 'no capacity: no worker is online' });
    });

    it.each([
      ['unknown server', { server: 'nope' }, 404],
      ['unknown worker', { server: 'lonely', worker: 'nope' }, 404],
      ['mode the server does not play', { server: 'lonely', mode: 'chess' }, 400],
      ['missing server', {}, 400],
      ['numeric server', { server: 1 }, 400],
      ['wait as text', { server: 'lonely', wait: 'soon' }, 400],
    ])('POST answers 4xx for %s', async (_case, body, status) => {
      const response = await api().post('/api/server/server/orchestration').set(auth()).send(body);

      expect(response.status).toBe(status);
      expect(response.body.code).toBe(status);
      expect(typeof response.body.message).toBe('string');
    });

    it('GET and DELETE validate ids', async () => {
      expect((await api().get('/api/server/server/orchestration').query({ id: 'not-a-uuid' }).set(auth())).status).toBe(400);
      expect((await api().get('/api/server/server/orchestration').query({ state: 'sleeping' }).set(auth())).status).toBe(400);
      expect((await api().get('/api/server/server/orchestration').query({ limit: 'many' }).set(auth())).status).toBe(400);
      expect((await api().get('/api/server/server/orchestration').query({ server: 'nope' }).set(auth())).status).toBe(404);

      const unknown = await api().delete('/api/server/server/orchestration').query({ id: '00000000-0000-4000-8000-000000000000' }).set(auth());
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe('instance not found: 00000000-0000-4000-8000-000000000000');
    });
  });
});
