import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { GAME_SERVER } from './support/agent-process';
import { gamePortRange } from './support/game-ports';
import { connectClient, nextEvent } from './support/clients';
import { freePort } from './support/free-port';
import { eventually } from './support/poll';
import { isPortOpen, readFirstLine } from './support/tcp';

const MAIN = join(__dirname, '..', 'dist', 'main.js');
const KEY = 'built-server-key-0123456789';
const PORTS = gamePortRange(10);

/**
 * Runs the server exactly as `npm start` does (the tsc build in dist/, on the embedded
 * database, with the local worker), since the tests elsewhere run the sources through SWC.
 */
describe('built server on the embedded database', () => {
  let child: ChildProcess;
  let output = '';
  let url: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'omninanny-built-'));

  const api = () => request(url);
  const auth = () => ({ Authorization: `Bearer ${KEY}` });

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      OMNINANNY_KEY: KEY,
      OMNINANNY_DATA_DIR: dataDir,
      OMNINANNY_LOCAL_WORKER_PORTS: `${PORTS.min}-${PORTS.max}`,
      OMNINANNY_STOP_GRACE_SECONDS: '2',
    };
    delete env.DATABASE_URL;

    child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));

    await eventually(
      () => api().get('/health/ready').then((response) => response.status, () => 0),
      (status) => status === 200,
      60_000,
      250,
    );
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers socket events through acknowledgements', async () => {
    const created = await api().post('/api/server/user').set(auth()).send({ sub: 'built', nickname: 'Built' });
    const socket = await connectClient(url, { auth: { token: created.body.token } });

    try {
      const me = await socket.timeout(3000).emitWithAck('user:me');
      expect(me).toMatchObject({ ok: true, sub: 'built', nickname: 'Built', is_online: true });

      const received = nextEvent<{ id: string }>(socket, 'command');
      await api().post('/api/server/user/command').set(auth()).send({ sub: 'built', title: 't', body: 1, persist: true });
      const command = await received;
      expect(await socket.timeout(3000).emitWithAck('command:ack', { id: command.id })).toEqual({ ok: true });

      expect(await socket.timeout(3000).emitWithAck('no:such:event', {})).toEqual({ ok: false, code: 404, message: 'unknown event: no:such:event' });
    } finally {
      socket.close();
    }
  });

  it('runs a game server on the local worker', async () => {
    const worker = await eventually(
      () => api().get('/api/server/worker').query({ id: 'local' }).set(auth()).then((response) => response.body.workers?.[0]),
      (entry) => entry?.status === 'online',
      20_000,
    );
    expect(worker).toMatchObject({ name: 'local', host: '127.0.0.1', ports: PORTS });

    await api()
      .post('/api/server/server')
      .set(auth())
      .send({ name: 'local-game', modes: ['duel'], command: process.execPath, args: [GAME_SERVER], players: { min: 1, max: 2 }, env: { GAME_MAX_LIFETIME_MS: '120000' } });
    const instance = await api().post('/api/server/server/orchestration').set(auth()).send({ server: 'local-game', mode: 'duel', wait: true });

    expect(instance.status).toBe(201);
    expect(instance.body).toMatchObject({ worker: 'local', state: 'ready', host: '127.0.0.1' });
    expect(JSON.parse(await readFirstLine('127.0.0.1', instance.body.port))).toMatchObject({ instance: instance.body.id, mode: 'duel' });

    const stopped = await api().delete('/api/server/server/orchestration').query({ id: instance.body.id, wait: 'true' }).set(auth());
    expect(stopped.body.instance.state).toBe('stopped');
    expect(await isPortOpen('127.0.0.1', instance.body.port)).toBe(false);
  });

  it('stops its game servers and exits on SIGTERM', async () => {
    const instance = await api().post('/api/server/server/orchestration').set(auth()).send({ server: 'local-game', wait: true });
    expect(instance.body.state).toBe('ready');

    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    await exit;

    expect(await isPortOpen('127.0.0.1', instance.body.port)).toBe(false);
    expect(output).toContain('received SIGTERM');
    expect(output).not.toContain(KEY);
  });
});
