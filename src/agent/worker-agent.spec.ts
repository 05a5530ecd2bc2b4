import { ConsoleLogger, Logger, LoggerService } from '@nestjs/common';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, Server as HttpServer } from 'node:http';
import { AddressInfo, createConnection, createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Server, Socket as ServerSocket } from 'socket.io';
import { ADOPTED_EXIT_REASON } from './adopted-process';
import { isProcessAlive } from './process-control';
import type { Ack, HelloPayload, InstanceSummary, StateReport } from './protocol';
import { readStateFile } from './state-file';
import { WorkerAgent } from './worker-agent';

const REPO_ROOT = resolve(__dirname, '..', '..');
const GAME_SERVER = join(REPO_ROOT, 'test', 'fixtures', 'game-server.js');
const TOKEN = 'worker-token-for-tests-5d1c9e';
const WAIT_MS = 10_000;

/** Log lines of every agent in this file and the CLI's output, checked at the end for the token. */
const logLines: string[] = [];
const cliOutput: string[] = [];
const captureLogger: LoggerService = {
  log: (message: unknown, context?: string) => logLines.push(`log ${context}: ${String(message)}`),
  warn: (message: unknown, context?: string) => logLines.push(`warn ${context}: ${String(message)}`),
  error: (message: unknown, ...rest: unknown[]) => logLines.push(`error ${rest.join(' ')}: ${String(message)}`),
  debug: (message: unknown, context?: string) => logLines.push(`debug ${context}: ${String(message)}`),
  verbose: (message: unknown, context?: string) => logLines.push(`verbose ${context}: ${String(message)}`),
};

/**
 * The control plane's side of the `/agent` namespace, kept in memory: it records hellos,
 * heartbeats and state reports, and sends instance:start and instance:stop.
 */
class FakeControlPlane {
  readonly hellos: HelloPayload[] = [];
  readonly heartbeats: { instances: number }[] = [];
  readonly reports: StateReport[] = [];
  /** 'hello' and 'report <instance> <state>' in arrival order. */
  readonly timeline: string[] = [];
  /** Instance ids for the `stop` list of the next hello acknowledgement. */
  stopOnNextHello: string[] = [];
  acceptedToken = TOKEN;
  acceptConnections = true;
  socket: ServerSocket | undefined;

  private constructor(
    private readonly http: HttpServer,
    private readonly io: Server,
    readonly url: string,
  ) {
    const namespace = io.of('/agent');

    namespace.use((socket, next) => {
      if (socket.handshake.auth.token !== this.acceptedToken) {
        next(new Error('invalid worker token'));
      } else if (!this.acceptConnections) {
        next(new Error('control plane unavailable'));
      } else {
        next();
      }
    });

    namespace.on('connection', (socket) => {
      this.socket = socket;
      socket.on('agent:hello', (payload: HelloPayload, ack: (body: unknown) => void) => {
        this.hellos.push(payload);
        this.timeline.push('hello');
        ack({ ok: true, worker: { id: 'worker-1', name: 'test-worker' }, heartbeat_seconds: 1, stop: this.stopOnNextHello.splice(0) });
      });
      socket.on('agent:heartbeat', (payload: { instances: number }, ack: (body: unknown) => void) => {
        this.heartbeats.push(payload);
        ack({ ok: true });
      });
      socket.on('instance:state', (report: StateReport, ack: (body: unknown) => void) => {
        this.reports.push(report);
        this.timeline.push(`report ${report.instance} ${report.state}`);
        ack({ ok: true });
      });
    });
  }

  static async start(): Promise<FakeControlPlane> {
    const http = createHttpServer();
    const io = new Server(http, { transports: ['websocket'] });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

    const { port } = http.address() as AddressInfo;
    return new FakeControlPlane(http, io, `http://127.0.0.1:${port}`);
  }

  async close(): Promise<void> {
    await this.io.close();
    this.http.closeAllConnections();
  }

  startInstance(payload: unknown): Promise<Ack> {
    return this.connectedSocket().timeout(WAIT_MS).emitWithAck('instance:start', payload);
  }

  stopInstance(payload: unknown): Promise<Ack> {
    return this.connectedSocket().timeout(WAIT_MS).emitWithAck('instance:stop', payload);
  }

  /** Disconnects the agent's socket on purpose; Socket.IO leaves the reconnect to the agent. */
  disconnectAgent(): void {
    this.connectedSocket().disconnect(true);
  }

  /** Closes the underlying connection, as a network failure would. */
  dropTransport(): void {
    this.connectedSocket().conn.close();
  }

  report(instance: string, state: StateReport['state']): Promise<StateReport> {
    return this.waitFor(`${state} report of ${instance}`, () => this.reports.find((report) => report.instance === instance && report.state === state));
  }

  /** Polls `check` every 20 ms until it returns a value, for at most WAIT_MS. */
  async waitFor<T>(description: string, check: () => T | undefined | false): Promise<T> {
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() < deadline) {
      const value = check();
      if (value !== undefined && value !== false) {
        return value;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`timed out after ${WAIT_MS} ms waiting for ${description}; reports so far: ${JSON.stringify(this.reports)}`);
  }

  private connectedSocket(): ServerSocket {
    if (!this.socket?.connected) {
      throw new Error('no worker agent is connected to the fake control plane');
    }
    return this.socket;
  }
}

/** Finds a port that is free right now by letting the OS pick one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Connects to the game server and returns the first line it sends, parsed. */
function readGreeting(port: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let received = '';

    socket.setTimeout(WAIT_MS, () => socket.destroy(new Error(`no greeting from port ${port} within ${WAIT_MS} ms`)));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const newline = received.indexOf('\n');
      if (newline !== -1) {
        socket.destroy();
        resolve(JSON.parse(received.slice(0, newline)));
      }
    });
    socket.on('error', reject);
  });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** The built CLI; `npm test` builds the project before the tests run. */
const CLI_PATH = join(REPO_ROOT, 'dist', 'agent', 'main.js');

describe('WorkerAgent', () => {
  let plane: FakeControlPlane;
  let workDir: string;
  let stateDir: string;
  let agents: WorkerAgent[];
  let pids: Set<number>;
  let children: ChildProcess[];
  let instanceCount = 0;

  beforeAll(() => Logger.overrideLogger(captureLogger));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  beforeEach(async () => {
    plane = await FakeControlPlane.start();
    workDir = mkdtempSync(join(tmpdir(), 'omninanny-agent-'));
    stateDir = join(workDir, 'state');
    agents = [];
    pids = new Set();
    children = [];
  });

  afterEach(async () => {
    await Promise.all(agents.map((agent) => agent.stop()));

    for (const child of children) {
      child.kill('SIGKILL');
    }
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }

    await plane.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function startAgent(options: Partial<ConstructorParameters<typeof WorkerAgent>[0]> = {}): Promise<WorkerAgent> {
    const agent = new WorkerAgent({ url: plane.url, token: TOKEN, stateDir, version: 'test-version', ...options });
    agents.push(agent);
    await agent.start();
    return agent;
  }

  async function startRequest(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown> & { instance: string; port: number }> {
    instanceCount += 1;
    return {
      instance: `game-${instanceCount}`,
      command: process.execPath,
      args: [GAME_SERVER],
      env: {},
      port: await freePort(),
      mode: 'duel',
      players: ['alice', 'bob'],
      readiness: { type: 'tcp' },
      start_timeout_seconds: 10,
      ...overrides,
    };
  }

  /** Sends instance:start, expects success and remembers the pid for cleanup. */
  async function startInstance(request: Record<string, unknown>): Promise<number> {
    const ack = await plane.startInstance(request);
    expect(ack).toEqual({ ok: true, pid: expect.any(Number) });

    const pid = (ack as unknown as { pid: number }).pid;
    pids.add(pid);
    return pid;
  }

  it('registers with hello and sends heartbeats', async () => {
    const worker = await startAgent();

    expect(worker.worker).toEqual({ id: 'worker-1', name: 'test-worker' });
    expect(plane.hellos).toEqual([{ version: 'test-version', hostname: hostname(), pid: process.pid, instances: [] }]);

    await plane.waitFor('a heartbeat', () => plane.heartbeats.length > 0);
    expect(plane.heartbeats[0]).toEqual({ instances: 0 });
  });

  it('tcp readiness: ready and serving', async () => {
    await startAgent();
    const request = await startRequest({ args: [GAME_SERVER, '--map', 'harbor'] });

    const pid = await startInstance(request);

    expect(await plane.report(request.instance, 'ready')).toEqual({ instance: request.instance, state: 'ready' });
    expect(await readGreeting(request.port)).toEqual({
      instance: request.instance,
      mode: 'duel',
      players: ['alice', 'bob'],
      args: ['--map', 'harbor'],
    });
    expect(agents[0].instances).toEqual([
      expect.objectContaining({ instance: request.instance, pid, port: request.port, state: 'ready', adopted: false }),
    ]);
    expect(readStateFile(stateDir)).toEqual([{ instance: request.instance, pid, port: request.port, state: 'ready' }]);
  });

  it('log readiness: ready on matching line', async () => {
    const agent = await startAgent();
    const request = await startRequest({ readiness: { type: 'log', pattern: 'listening on \\d+' } });

    await startInstance(request);

    await plane.report(request.instance, 'ready');
    expect(agent.instances[0].recentOutput).toEqual([`listening on ${request.port}`]);
  });

  it('none readiness: ready right after spawn', async () => {
    const agent = await startAgent();
    const request = await startRequest({ readiness: { type: 'none' }, env: { GAME_DELAY_MS: '5000' } });

    await startInstance(request);

    await plane.report(request.instance, 'ready');
    expect(agent.instances[0].state).toBe('ready');
  });

  it('fills placeholders and sets env', async () => {
    await startAgent();
    const file = join(workDir, 'started.json');
    const request = await startRequest({
      args: [GAME_SERVER, '--port={port}', '{instance}:{port}:{instance}', '{other}'],
      env: { GAME_WRITE_FILE: file },
      mode: null,
      players: ['alice', 'bob "the builder"'],
    });

    await startInstance(request);
    await plane.report(request.instance, 'ready');

    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.args).toEqual([`--port=${request.port}`, `${request.instance}:${request.port}:${request.instance}`, '{other}']);
    expect(written.env).toEqual({
      PORT: String(request.port),
      OMNINANNY_INSTANCE_ID: request.instance,
      OMNINANNY_MODE: '',
      OMNINANNY_PLAYERS: JSON.stringify(['alice', 'bob "the builder"']),
    });
  });

  it('strips OMNINANNY_ variables from env', async () => {
    process.env.OMNINANNY_WORKER_TOKEN = TOKEN;
    process.env.OMNINANNY_AGENT_EXTRA = 'secret';
    try {
      await startAgent();
      const file = join(workDir, 'env.json');
      const script = "require('fs').writeFileSync(process.argv[1], JSON.stringify(process.env)); setInterval(() => {}, 1000);";
      const request = await startRequest({
        args: ['-e', script, file],
        env: { GAME_SETTING: 'fast' },
        readiness: { type: 'none' },
      });

      await startInstance(request);
      const env = await plane.waitFor('the env file', () => existsSync(file) && JSON.parse(readFileSync(file, 'utf8')));

      expect(env.OMNINANNY_WORKER_TOKEN).toBeUndefined();
      expect(env.OMNINANNY_AGENT_EXTRA).toBeUndefined();
      expect(env.GAME_SETTING).toBe('fast');
      expect(env.PATH).toBe(process.env.PATH);
      expect(env.OMNINANNY_INSTANCE_ID).toBe(request.instance);
    } finally {
      delete process.env.OMNINANNY_WORKER_TOKEN;
      delete process.env.OMNINANNY_AGENT_EXTRA;
    }
  });

  it('passes shell metacharacters literally', async () => {
    await startAgent();
    const file = join(workDir, 'started.json');
    const victim = join(workDir, 'victim');
    writeFileSync(victim, 'keep me');
    const args = [
      `; rm -rf ${victim}`,
      `$(touch ${join(workDir, 'pwned-subshell')})`,
      '&&',
      `\`touch ${join(workDir, 'pwned-backtick')}\``,
      '|',
      `> ${join(workDir, 'pwned-redirect')}`,
      '*',
    ];
    const request = await startRequest({ args: [GAME_SERVER, ...args], env: { GAME_WRITE_FILE: file } });

    await startInstance(request);
    await plane.report(request.instance, 'ready');

    expect(JSON.parse(readFileSync(file, 'utf8')).args).toEqual(args);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readdirSync(workDir).sort()).toEqual(['started.json', 'state', 'victim']);
  });

  it('reports exit code 3 as exited', async () => {
    await startAgent();
    const request = await startRequest({ env: { GAME_EXIT_CODE: '3' } });

    await startInstance(request);

    expect(await plane.report(request.instance, 'exited')).toEqual({
      instance: request.instance,
      state: 'exited',
      exit_code: 3,
      signal: null,
      requested: false,
      reason: 'exited with code 3',
    });
    expect(plane.reports.filter((report) => report.instance === request.instance)).toHaveLength(1);
    expect(readStateFile(stateDir)).toEqual([]);
  });

  it('log readiness timeout reports failed', async () => {
    await startAgent();
    const request = await startRequest({ readiness: { type: 'log', pattern: 'never-ready' }, start_timeout_seconds: 1 });
    const startedAt = Date.now();

    const pid = await startInstance(request);

    expect(await plane.report(request.instance, 'failed')).toEqual({
      instance: request.instance,
      state: 'failed',
      reason: 'start timeout: no output line matched /never-ready/ within 1 s',
      exit_code: 0,
      signal: null,
    });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
    expect(isProcessAlive(pid)).toBe(false);
    expect(plane.reports.filter((report) => report.instance === request.instance)).toHaveLength(1);
  });

  it('tcp readiness timeout reports failed', async () => {
    await startAgent();
    const request = await startRequest({ env: { GAME_DELAY_MS: '30000' }, start_timeout_seconds: 1 });

    await startInstance(request);

    const report = await plane.report(request.instance, 'failed');
    expect(report).toMatchObject({ reason: `start timeout: port ${request.port} accepted no connection within 1 s` });
  });

  it('stop reports requested exit', async () => {
    const agent = await startAgent();
    const request = await startRequest();
    const pid = await startInstance(request);
    await plane.report(request.instance, 'ready');

    expect(await plane.stopInstance({ instance: request.instance, grace_seconds: 5 })).toEqual({ ok: true, running: true });

    expect(await plane.report(request.instance, 'exited')).toEqual({
      instance: request.instance,
      state: 'exited',
      exit_code: 0,
      signal: null,
      requested: true,
      reason: 'exited with code 0',
    });
    expect(isProcessAlive(pid)).toBe(false);
    expect(agent.instances).toEqual([]);
  });

  it('stop kills after grace', async () => {
    await startAgent();
    const request = await startRequest({ env: { GAME_IGNORE_SIGTERM: '1' } });
    await startInstance(request);
    await plane.report(request.instance, 'ready');
    const stoppedAt = Date.now();

    await plane.stopInstance({ instance: request.instance, grace_seconds: 1 });

    expect(await plane.report(request.instance, 'exited')).toEqual({
      instance: request.instance,
      state: 'exited',
      exit_code: null,
      signal: 'SIGKILL',
      requested: true,
      reason: 'killed by SIGKILL',
    });
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1000);
  });

  it('stop before ready reports exited', async () => {
    await startAgent();
    const request = await startRequest({ readiness: { type: 'log', pattern: 'never-ready' }, start_timeout_seconds: 2 });
    await startInstance(request);

    await plane.stopInstance({ instance: request.instance, grace_seconds: 5 });

    // SIGTERM may arrive before the server installs its handler, so the exit code is not checked.
    expect(await plane.report(request.instance, 'exited')).toMatchObject({ requested: true });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(plane.reports.filter((report) => report.instance === request.instance)).toHaveLength(1);
  });

  it('stop of unknown instance', async () => {
    await startAgent();

    expect(await plane.stopInstance({ instance: 'nobody', grace_seconds: 1 })).toEqual({ ok: true, running: false });
    expect(await plane.stopInstance({ instance: 'nobody' })).toEqual({
      ok: false,
      code: 400,
      message: 'invalid payload: grace_seconds must be a number of seconds from 0 up to 3600, got nothing',
    });
  });

  it('allowlist rejects other executables', async () => {
    await startAgent({ allowedCommands: [process.execPath] });

    expect(await plane.startInstance(await startRequest({ command: 'sh', args: ['-c', 'sleep 5'] }))).toEqual({
      ok: false,
      code: 403,
      message: 'executable not allowed: sh',
    });
    await startInstance(await startRequest());
  });

  it('rejects a port in use', async () => {
    await startAgent();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const { port } = blocker.address() as AddressInfo;

    try {
      const ack = await plane.startInstance(await startRequest({ port }));
      expect(ack).toEqual({ ok: false, code: 409, message: `port ${port} is in use` });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('rejects a duplicate instance id', async () => {
    await startAgent();
    const request = await startRequest();
    await startInstance(request);

    const ack = await plane.startInstance({ ...request, port: await freePort() });

    expect(ack).toEqual({ ok: false, code: 409, message: `instance ${request.instance} is already running` });
  });

  it('rejects an unknown executable', async () => {
    await startAgent();

    const ack = await plane.startInstance(await startRequest({ command: '/nonexistent/game-server' }));

    expect(ack).toEqual({
      ok: false,
      code: 400,
      message: 'failed to start /nonexistent/game-server: spawn /nonexistent/game-server ENOENT',
    });
  });

  it('rejects an invalid start payload', async () => {
    await startAgent();

    const ack = (await plane.startInstance({ instance: 'x', command: 'node', args: 'server.js', port: 70000 })) as {
      ok: boolean;
      code: number;
      message: string;
    };

    expect(ack.ok).toBe(false);
    expect(ack.code).toBe(400);
    expect(ack.message).toMatch(/^invalid payload: /);
    expect(ack.message).toContain('args must be an array of strings');
    expect(ack.message).toContain('port must be an integer from 1 to 65535, got 70000');
    expect(ack.message).toContain('readiness must be');
  });

  it('invalid worker token rejects start', async () => {
    const agent = new WorkerAgent({ url: plane.url, token: 'wrong-token-3b7e', stateDir });
    agents.push(agent);

    await expect(agent.start()).rejects.toThrow(/^invalid worker token/);
  });

  it('token revoked later calls onFatalError', async () => {
    const fatal = jest.fn();
    await startAgent({ onFatalError: fatal });

    plane.acceptedToken = 'rotated-token';
    plane.dropTransport();

    await plane.waitFor('onFatalError', () => fatal.mock.calls.length > 0);
    expect(fatal.mock.calls[0][0].message).toMatch(/^invalid worker token/);
  });

  it('reconnects and stops what hello ack lists', async () => {
    await startAgent();
    const request = await startRequest();
    const pid = await startInstance(request);
    await plane.report(request.instance, 'ready');

    plane.stopOnNextHello = [request.instance];
    plane.dropTransport();

    await plane.waitFor('a second hello', () => plane.hellos.length >= 2);
    expect(plane.hellos[1].instances).toEqual([{ instance: request.instance, pid, port: request.port, state: 'ready' }]);
    expect(await plane.report(request.instance, 'exited')).toMatchObject({ requested: true, exit_code: 0 });
  });

  it('delivers exit after reconnect', async () => {
    const agent = await startAgent();
    const request = await startRequest();
    const pid = await startInstance(request);
    await plane.report(request.instance, 'ready');

    plane.acceptConnections = false;
    plane.disconnectAgent();
    process.kill(pid, 'SIGKILL');

    await plane.waitFor('the exit in the outbox', () => agent.pendingReports.length === 1);
    expect(plane.reports.some((report) => report.state === 'exited')).toBe(false);

    plane.acceptConnections = true;

    expect(await plane.report(request.instance, 'exited')).toEqual({
      instance: request.instance,
      state: 'exited',
      exit_code: null,
      signal: 'SIGKILL',
      requested: false,
      reason: 'killed by SIGKILL',
    });
    expect(plane.hellos[1].instances).toEqual([]);
    expect(plane.timeline.slice(-2)).toEqual(['hello', `report ${request.instance} exited`]);
    // The agent drops the report when the plane's acknowledgement arrives, just after the plane has it.
    await plane.waitFor('the outbox to empty', () => agent.pendingReports.length === 0);
    expect(agent.pendingReports).toEqual([]);
  });

  it('stop() stops and reports instances', async () => {
    const agent = await startAgent();
    const request = await startRequest();
    const pid = await startInstance(request);
    await plane.report(request.instance, 'ready');

    await agent.stop();

    expect(plane.reports.find((report) => report.state === 'exited')).toMatchObject({ instance: request.instance, requested: true });
    expect(isProcessAlive(pid)).toBe(false);
    expect(readStateFile(stateDir)).toEqual([]);
    await plane.waitFor('the agent to disconnect', () => plane.socket?.connected === false);
  });

  it('drops dead processes from the state file', async () => {
    mkdirSync(stateDir, { recursive: true });
    const dead: InstanceSummary = { instance: 'gone', pid: 2 ** 22 + 1, port: 7001, state: 'ready' };
    writeFileSync(join(stateDir, 'instances.json'), JSON.stringify([dead]));

    await startAgent();

    expect(plane.hellos[0].instances).toEqual([]);
    expect(readStateFile(stateDir)).toEqual([]);
  });

  it('unreadable state file rejects start', async () => {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'instances.json'), '[{"instance":');
    const agent = new WorkerAgent({ url: plane.url, token: TOKEN, stateDir });
    agents.push(agent);

    await expect(agent.start()).rejects.toThrow(`the state file ${join(stateDir, 'instances.json')} is not valid JSON`);
    expect(plane.hellos).toEqual([]);
  });

  describe('worker CLI', () => {
    function runCli(args: string[], env: Record<string, string>): ChildProcess {
      const child = spawn(process.execPath, [CLI_PATH, ...args], {
        env: { PATH: process.env.PATH ?? '', NODE_PATH: join(REPO_ROOT, 'node_modules'), LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => cliOutput.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => cliOutput.push(chunk.toString()));
      children.push(child);
      return child;
    }

    it('exits 2 naming a missing option', async () => {
      const child = runCli([], { OMNINANNY_WORKER_TOKEN: TOKEN });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

      expect(await waitForExit(child)).toBe(2);
      expect(stderr).toMatch(/^omninanny worker: missing --url \(or OMNINANNY_URL\)/);
    });

    it('exits 1 on an invalid worker token', async () => {
      const child = runCli(['--url', plane.url], { OMNINANNY_WORKER_TOKEN: 'wrong-token-3b7e', OMNINANNY_AGENT_STATE_DIR: stateDir });

      expect(await waitForExit(child)).toBe(1);
    });

    it('exits 0 on SIGTERM', async () => {
      const child = runCli(['--url', plane.url, '--state-dir', stateDir], { OMNINANNY_WORKER_TOKEN: TOKEN });
      await plane.waitFor('the CLI hello', () => plane.hellos.length > 0);
      const request = await startRequest();
      const pid = await startInstance(request);
      await plane.report(request.instance, 'ready');

      child.kill('SIGTERM');

      expect(await waitForExit(child)).toBe(0);
      expect(plane.reports.find((report) => report.state === 'exited')).toMatchObject({ instance: request.instance, requested: true });
      expect(isProcessAlive(pid)).toBe(false);
    });

    it('adopts instance of killed CLI', async () => {
      const child = runCli(['--url', plane.url], { OMNINANNY_WORKER_TOKEN: TOKEN, OMNINANNY_AGENT_STATE_DIR: stateDir });
      await plane.waitFor('the CLI hello', () => plane.hellos.length > 0);
      const request = await startRequest();
      const pid = await startInstance(request);
      await plane.report(request.instance, 'ready');

      child.kill('SIGKILL');
      await waitForExit(child);
      expect(isProcessAlive(pid)).toBe(true);

      plane.stopOnNextHello = [request.instance];
      const agent = await startAgent();

      expect(plane.hellos[1].instances).toEqual([{ instance: request.instance, pid, port: request.port, state: 'ready' }]);
      expect(agent.instances[0]).toMatchObject({ instance: request.instance, adopted: true });
      expect(await plane.report(request.instance, 'exited')).toEqual({
        instance: request.instance,
        state: 'exited',
        exit_code: null,
        signal: null,
        requested: true,
        reason: ADOPTED_EXIT_REASON,
      });
      expect(isProcessAlive(pid)).toBe(false);
      expect(readStateFile(stateDir)).toEqual([]);
    });
  });

  it('never logs the worker token', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const lines = [...logLines, ...cliOutput.join('').split('\n')];
    expect(lines.filter((line) => line.includes(TOKEN) || line.includes('wrong-token-3b7e'))).toEqual([]);
  });
});
