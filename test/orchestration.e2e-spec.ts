import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { gamePortRange } from './support/game-ports';
import { AgentProcess, GAME_SERVER, startAgentProcess } from './support/agent-process';
import { RunningApp, startApp } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';
import { eventually } from './support/poll';
import { isPortOpen, readFirstLine } from './support/tcp';

interface Instance {
  id: string;
  server: string;
  worker: string;
  mode: string | null;
  host: string;
  port: number;
  state: string;
  players: string[];
  reason: string | null;
  exit_code: number | null;
  created_at: string;
  ready_at: string | null;
  ended_at: string | null;
}

const BOX_PORTS = gamePortRange(50);

const INSTANCE_FIELDS = ['created_at', 'ended_at', 'exit_code', 'host', 'id', 'mode', 'players', 'port', 'ready_at', 'reason', 'server', 'state', 'worker'];

describe('orchestration with a real worker agent', () => {
  let database: TestDatabase;
  let running: RunningApp;
  let agent: AgentProcess;
  let workerToken: string;
  const extraAgents: AgentProcess[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'omninanny-orchestration-'));

  const api = () => request(running.url);
  const auth = () => ({ Authorization: `Bearer ${running.key}` });

  async function defineServer(name: string, overrides: Record<string, unknown> = {}) {
    const response = await api()
      .post('/api/server/server')
      .set(auth())
      .send({
        name,
        modes: ['duel'],
        command: process.execPath,
        args: [GAME_SERVER],
        players: { min: 2, max: 2 },
        start_timeout_seconds: 10,
        ...overrides,
        // A game server left behind by a failed test exits by itself.
        env: { GAME_MAX_LIFETIME_MS: '120000', ...((overrides.env as object) ?? {}) },
      });
    expect(response.status).toBe(201);
    return response.body;
  }

  async function createInstance(body: Record<string, unknown>): Promise<{ status: number; body: Instance & { message?: string } }> {
    const response = await api().post('/api/server/server/orchestration').set(auth()).send(body);
    return { status: response.status, body: response.body };
  }

  async function getInstance(id: string): Promise<Instance> {
    const response = await api().get('/api/server/server/orchestration').query({ id }).set(auth());
    return response.body.instances[0];
  }

  async function getWorker(name: string) {
    const response = await api().get('/api/server/worker').query({ id: name }).set(auth());
    return response.body.workers[0];
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    running = await startApp(database, {
      OMNINANNY_LOCAL_WORKER: 'false',
      OMNINANNY_WORKER_HEARTBEAT_SECONDS: '1',
      OMNINANNY_WORKER_TIMEOUT_SECONDS: '3',
      OMNINANNY_STOP_GRACE_SECONDS: '2',
    });

    const created = await api().post('/api/server/worker').set(auth()).send({ name: 'box', host: '127.0.0.1', capacity: 5, ports: BOX_PORTS });
    workerToken = created.body.token;
    agent = startAgentProcess(running.url, workerToken);
    await eventually(() => getWorker('box'), (worker) => worker.status === 'online', 15_000);
  });

  afterAll(async () => {
    for (const extra of extraAgents) {
      await extra.stop();
    }

    await agent?.stop();
    await running?.close();
    await database?.drop();
  });

  it('shows the worker online with a heartbeat', async () => {
    const worker = await getWorker('box');

    expect(worker.status).toBe('online');
    expect(Date.now() - Date.parse(worker.last_seen_at)).toBeLessThan(5000);
    expect(worker.agent_version).toEqual(expect.any(String));
  });

  it('starts a game server that a TCP client reaches, and stops it', async () => {
    await defineServer('arena', { modes: ['duel', 'ranked'] });

    const created = await createInstance({ server: 'arena', mode: 'ranked', wait: true });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(INSTANCE_FIELDS);
    expect(created.body).toMatchObject({ server: 'arena', worker: 'box', mode: 'ranked', host: '127.0.0.1', state: 'ready', players: [], reason: null, exit_code: null });
    expect(created.body.port).toBeGreaterThanOrEqual(BOX_PORTS.min);
    expect(created.body.port).toBeLessThanOrEqual(BOX_PORTS.max);
    expect(created.body.ready_at).not.toBeNull();

    const greeting = JSON.parse(await readFirstLine(created.body.host, created.body.port));
    expect(greeting).toMatchObject({ instance: created.body.id, mode: 'ranked', players: [] });

    const listed = await api().get('/api/server/server/orchestration').query({ server: 'arena', state: 'ready' }).set(auth());
    expect(listed.body.instances.map((instance: Instance) => instance.id)).toEqual([created.body.id]);

    const deleted = await api().delete('/api/server/server/orchestration').query({ id: created.body.id, wait: 'true' }).set(auth());
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ code: 200, deleted: true, id: created.body.id, instance: { state: 'stopped' } });
    expect(deleted.body.instance.ended_at).not.toBeNull();
    expect(await isPortOpen('127.0.0.1', created.body.port)).toBe(false);
  });

  it('places again when another process holds the port', async () => {
    await defineServer('squatted');
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(BOX_PORTS.min, '0.0.0.0', resolve));

    try {
      const created = await createInstance({ server: 'squatted', wait: true });

      expect(created.status).toBe(201);
      expect(created.body.state).toBe('ready');
      expect(created.body.port).not.toBe(BOX_PORTS.min);
      const failed = await api().get('/api/server/server/orchestration').query({ server: 'squatted', state: 'failed' }).set(auth());
      expect(failed.body.instances.map((instance: Instance) => instance.reason)).toEqual([`failed to start: port ${BOX_PORTS.min} is in use`]);

      await api().delete('/api/server/server/orchestration').query({ id: created.body.id, wait: 'true' }).set(auth());
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('fails an instance whose process exits with code 3', async () => {
    await defineServer('crasher', { env: { GAME_EXIT_CODE: '3' } });

    const created = await createInstance({ server: 'crasher', wait: true });

    expect(created.status).toBe(201);
    expect(created.body.state).toBe('failed');
    expect(created.body.exit_code).toBe(3);
    expect(created.body.reason).toContain('code 3');
  });

  it('fails a log readiness pattern that never appears after the start timeout', async () => {
    await defineServer('silent', { readiness: { type: 'log', pattern: 'this line never comes' }, start_timeout_seconds: 1 });

    const started = Date.now();
    const created = await createInstance({ server: 'silent', wait: true });

    expect(created.body.state).toBe('failed');
    expect(created.body.reason).toContain('start timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('becomes ready on a matching log line', async () => {
    await defineServer('chatty', { readiness: { type: 'log', pattern: 'listening on \\d+' } });

    const created = await createInstance({ server: 'chatty', wait: true });
    expect(created.body.state).toBe('ready');

    await api().delete('/api/server/server/orchestration').query({ id: created.body.id, wait: 'true' }).set(auth());
  });

  it('fills placeholders and the environment, and keeps shell metacharacters literal', async () => {
    const written = join(scratch, 'placeholders.json');
    const marker = join(scratch, 'pwned');
    const args = [GAME_SERVER, '--port={port}', '{instance}', `; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, '&& echo hi | cat', "'quoted' \"double\""];
    await defineServer('literal', { modes: ['duel'], args, env: { GAME_WRITE_FILE: written } });

    const created = await createInstance({ server: 'literal', mode: 'duel', wait: true });
    expect(created.body.state).toBe('ready');

    const seen = JSON.parse(readFileSync(written, 'utf8'));
    expect(seen.args).toEqual([
      `--port=${created.body.port}`,
      created.body.id,
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      '&& echo hi | cat',
      "'quoted' \"double\"",
    ]);
    expect(seen.env).toEqual({ PORT: String(created.body.port), OMNINANNY_INSTANCE_ID: created.body.id, OMNINANNY_MODE: 'duel', OMNINANNY_PLAYERS: '[]' });
    expect(existsSync(marker)).toBe(false);

    await api().delete('/api/server/server/orchestration').query({ id: created.body.id, wait: 'true' }).set(auth());
  });

  it('gives 20 concurrent requests exactly 5 instances on distinct ports', async () => {
    await defineServer('crowd', { readiness: { type: 'none' } });

    const results = await Promise.all(Array.from({ length: 20 }, () => createInstance({ server: 'crowd', worker: 'box' })));

    const placed = results.filter((result) => result.status === 201);
    const refused = results.filter((result) => result.status !== 201);
    expect(placed).toHaveLength(5);
    expect(refused).toHaveLength(15);
    expect(new Set(placed.map((result) => result.body.port)).size).toBe(5);
    for (const result of refused) {
      expect(result.status).toBe(503);
      expect(result.body.message).toMatch(/^no capacity/);
    }

    const sixth = await createInstance({ server: 'crowd' });
    expect(sixth.status).toBe(503);

    for (const result of placed) {
      await api().delete('/api/server/server/orchestration').query({ id: result.body.id, wait: 'true' }).set(auth());
    }
  });

  it('honours max_instances and the region filter', async () => {
    await defineServer('limited', { readiness: { type: 'none' }, max_instances: 1 });

    const first = await createInstance({ server: 'limited' });
    expect(first.status).toBe(201);
    const second = await createInstance({ server: 'limited' });
    expect(second.status).toBe(503);
    expect(second.body.message).toBe('no capacity: server limited already runs its max_instances (1)');

    const elsewhere = await createInstance({ server: 'crowd', region: 'mars' });
    expect(elsewhere.status).toBe(503);
    expect(elsewhere.body.message).toBe('no capacity: no online worker matches region mars');

    await api().delete('/api/server/server/orchestration').query({ id: first.body.id, wait: 'true' }).set(auth());
  });

  it('places nothing on a draining worker until it is undrained', async () => {
    const drained = await api().patch('/api/server/worker').set(auth()).send({ id: 'box', draining: true });
    expect(drained.status).toBe(200);
    expect(drained.body).toMatchObject({ name: 'box', status: 'draining' });

    const refused = await createInstance({ server: 'crowd' });
    expect(refused.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await getWorker('box')).status).toBe('draining');

    const undrained = await api().patch('/api/server/worker').set(auth()).send({ id: 'box', draining: false });
    expect(undrained.body.status).toBe('online');
    const placed = await createInstance({ server: 'crowd' });
    expect(placed.status).toBe(201);
    await api().delete('/api/server/server/orchestration').query({ id: placed.body.id, wait: 'true' }).set(auth());

    expect((await api().patch('/api/server/worker').set(auth()).send({ id: 'box', draining: 'maybe' })).status).toBe(400);
    expect((await api().patch('/api/server/worker').set(auth()).send({ id: 'nope', draining: true })).status).toBe(404);
  });

  it('refuses to delete a server or worker with live instances unless forced', async () => {
    await defineServer('busy', { readiness: { type: 'none' } });
    const created = await createInstance({ server: 'busy', wait: true });

    const refused = await api().delete('/api/server/server').query({ id: 'busy' }).set(auth());
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ code: 409, message: 'server busy has 1 live instance(s); stop them first or pass force: true' });

    const workerRefused = await api().delete('/api/server/worker').query({ id: 'box' }).set(auth());
    expect(workerRefused.status).toBe(409);

    const forced = await api().delete('/api/server/server').send({ id: 'busy', force: true }).set(auth());
    expect(forced.status).toBe(200);
    expect(await isPortOpen('127.0.0.1', created.body.port)).toBe(false);
  });

  it('stops a process that ignores SIGTERM with SIGKILL after the grace period', async () => {
    await defineServer('stubborn', { env: { GAME_IGNORE_SIGTERM: '1' } });
    const created = await createInstance({ server: 'stubborn', wait: true });
    expect(created.body.state).toBe('ready');

    const started = Date.now();
    const deleted = await api().delete('/api/server/server/orchestration').send({ id: created.body.id, wait: true }).set(auth());

    expect(deleted.body.instance.state).toBe('stopped');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(await isPortOpen('127.0.0.1', created.body.port)).toBe(false);
  });

  it('killed agent: offline, failed, reconciled', async () => {
    const created = await api().post('/api/server/worker').set(auth()).send({ name: 'fragile', host: '127.0.0.1', capacity: 2, ports: gamePortRange(10) });
    const fragile = startAgentProcess(running.url, created.body.token);
    extraAgents.push(fragile);
    await eventually(() => getWorker('fragile'), (worker) => worker.status === 'online', 15_000);
    await defineServer('orphan');

    const instance = await createInstance({ server: 'orphan', worker: 'fragile', wait: true });
    expect(instance.body.state).toBe('ready');

    await fragile.kill();
    const offline = await eventually(() => getWorker('fragile'), (worker) => worker.status === 'offline', 10_000);
    expect(offline.running_instances).toBe(0);
    const failed = await getInstance(instance.body.id);
    expect(failed.state).toBe('failed');
    expect(failed.reason).toBe('worker lost');

    // The game server outlived its agent. The restarted agent reports it and gets it in its stop list.
    expect(await isPortOpen('127.0.0.1', instance.body.port)).toBe(true);
    const restarted = startAgentProcess(running.url, created.body.token, { stateDir: fragile.stateDir });
    extraAgents.push(restarted);
    await eventually(() => getWorker('fragile'), (worker) => worker.status === 'online', 15_000);
    await eventually(() => isPortOpen('127.0.0.1', instance.body.port), (open) => !open, 10_000);
  });

  it('rejects an agent with a wrong token', async () => {
    const impostor = startAgentProcess(running.url, 'wkr_wrong');
    const exitCode = await new Promise<number | null>((resolve) => impostor.child.once('exit', (code) => resolve(code)));

    expect(exitCode).toBe(1);
    expect(impostor.output()).toContain('invalid worker token');
  });
});
