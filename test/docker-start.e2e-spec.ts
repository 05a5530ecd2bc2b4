import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { connectClient } from './support/clients';
import { createTestDatabase, TestDatabase } from './support/database';
import { freePort } from './support/free-port';

/**
 * Runs the Docker image's start sequence without Docker, as far as the Dockerfile allows.
 * The steps are the runtime stage's files in a temporary directory, a production-only
 * `npm ci`, the entrypoint with the image's ENTRYPOINT and CMD, and the HEALTHCHECK
 * command. Each is read from the Dockerfile itself, so a change to it is tested.
 *
 * The build stage (`npm ci` and `npm run build`) is what `npm test` runs first through its
 * pretest script, so dist/ comes from this checkout. tini, PID 1 of the image, is left out,
 * and the test sends SIGTERM straight to the process that tini would forward it to.
 */

const ROOT = join(__dirname, '..');
const KEY = 'docker-start-key-0123456789';
const JWT_SECRET = 'docker-start-jwt-secret-0123456789';
const NPM_CI_TIMEOUT_MS = 5 * 60_000;
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

interface Instruction {
  keyword: string;
  value: string;
  /** Index of the build stage, counted from 0 at the first FROM. */
  stage: number;
}

/** Splits a Dockerfile into instructions, joining continued lines and dropping comments. */
function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let stage = -1;
  let pending = '';

  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) {
      continue;
    }
    if (trimmed.startsWith('#')) {
      continue;
    }
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1)} `;
      continue;
    }

    const full = `${pending}${trimmed}`.trim();
    pending = '';
    const [keyword] = full.split(/\s+/, 1);
    if (keyword.toUpperCase() === 'FROM') {
      stage += 1;
    }
    instructions.push({ keyword: keyword.toUpperCase(), value: full.slice(keyword.length).trim(), stage });
  }
  return instructions;
}

/** Splits an instruction value into its leading --flags and the remaining arguments. */
function splitFlags(value: string): { flags: Record<string, string>; args: string[] } {
  const flags: Record<string, string> = {};
  const args: string[] = [];
  for (const token of value.split(/\s+/)) {
    const flag = /^--([a-z-]+)=(.*)$/.exec(token);
    if (flag && args.length === 0) {
      flags[flag[1]] = flag[2];
    } else {
      args.push(token);
    }
  }
  return { flags, args };
}

/** Reads the exec (JSON array) form of ENTRYPOINT, CMD or HEALTHCHECK CMD. */
function parseExecForm(value: string, instructionName: string): string[] {
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === 'string')) {
    throw new Error(`${instructionName} must use the exec form (a JSON array of strings), got ${value}`);
  }
  return parsed;
}

/** Reads `ENV KEY=value KEY=value` into an object; values must not contain spaces. */
function parseEnv(value: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of value.split(/\s+/)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
    if (!match) {
      throw new Error(`ENV must use the KEY=value form, got "${pair}"`);
    }
    env[match[1]] = match[2];
  }
  return env;
}

/** Converts a Docker duration such as 5s or 1m30s to milliseconds. */
function durationMs(value: string): number {
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(ms|s|m|h)/g)) {
    total += Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
  }
  return total;
}

/**
 * Reads the instructions that the test runs from the Dockerfile, and throws when one of
 * them has a form that this reading does not support.
 */
function readImage(text: string) {
  const instructions = parseDockerfile(text);
  const lastStage = Math.max(...instructions.map((instruction) => instruction.stage));
  const runtime = instructions.filter((instruction) => instruction.stage === lastStage);
  const onlyRuntimeInstruction = (keyword: string): Instruction => {
    const found = runtime.filter((instruction) => instruction.keyword === keyword);
    if (found.length !== 1) {
      throw new Error(`the runtime stage must have exactly one ${keyword}, found ${found.length}`);
    }
    return found[0];
  };

  const buildWorkdir = instructions.find((instruction) => instruction.stage === 0 && instruction.keyword === 'WORKDIR')?.value;
  const copies = runtime.filter((instruction) => instruction.keyword === 'COPY').map((instruction) => splitFlags(instruction.value));
  const healthcheck = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(.*)$/s.exec(onlyRuntimeInstruction('HEALTHCHECK').value);
  if (!healthcheck) {
    throw new Error(`HEALTHCHECK must be "[--options] CMD [...]", got ${onlyRuntimeInstruction('HEALTHCHECK').value}`);
  }

  return {
    instructions,
    runtime,
    buildWorkdir,
    workdir: onlyRuntimeInstruction('WORKDIR').value,
    user: onlyRuntimeInstruction('USER').value,
    env: Object.assign({}, ...runtime.filter((instruction) => instruction.keyword === 'ENV').map((instruction) => parseEnv(instruction.value))) as Record<string, string>,
    volumes: runtime.filter((instruction) => instruction.keyword === 'VOLUME').flatMap((instruction) => parseExecForm(instruction.value, 'VOLUME')),
    exposed: runtime.filter((instruction) => instruction.keyword === 'EXPOSE').flatMap((instruction) => instruction.value.split(/\s+/)),
    /** COPY --from=<build stage> sources, relative to the build stage's WORKDIR. */
    fromBuild: copies.filter(({ flags }) => flags.from !== undefined),
    /** COPY sources taken from the build context (the repository). */
    fromContext: copies.filter(({ flags }) => flags.from === undefined),
    entrypoint: parseExecForm(onlyRuntimeInstruction('ENTRYPOINT').value, 'ENTRYPOINT'),
    cmd: parseExecForm(onlyRuntimeInstruction('CMD').value, 'CMD'),
    healthcheckOptions: splitFlags(healthcheck[1].trim()).flags,
    healthcheckCommand: parseExecForm(healthcheck[2], 'HEALTHCHECK CMD'),
  };
}

/** Converts one .dockerignore pattern to a regular expression over slash-separated paths. */
function dockerignorePatternToRegex(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const rest = pattern.slice(index);
    if (rest.startsWith('**/')) {
      source += '(?:.*/)?';
      index += 2;
    } else if (rest.startsWith('**')) {
      source += '.*';
      index += 1;
    } else if (pattern[index] === '*') {
      source += '[^/]*';
    } else if (pattern[index] === '?') {
      source += '[^/]';
    } else {
      source += pattern[index].replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * Reports whether .dockerignore lets a path of the build context through. Patterns follow
 * Docker's rules as far as this repository uses them: `*`, `?` and `**`, a leading `!` to
 * include again, the last matching pattern wins, and a pattern that matches a directory
 * also matches everything below it.
 */
function isInBuildContext(path: string, dockerignore: string): boolean {
  const patterns = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = posix.normalize(negated ? line.slice(1) : line).replace(/^\/+/, '');
      return { negated, regex: dockerignorePatternToRegex(pattern) };
    });

  const segments = path.split('/');
  const prefixes = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
  let included = true;
  for (const { negated, regex } of patterns) {
    if (prefixes.some((prefix) => regex.test(prefix))) {
      included = negated;
    }
  }
  return included;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
}

/** Runs a command to completion, killing it after timeoutMs. */
function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
}

/** A running process with its output collected. */
interface Started {
  child: ChildProcess;
  output(): string;
  /** Resolves on exit, or with timedOut after timeoutMs. */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }>;
  /** SIGKILL to the whole process group, so a failed test leaves no server behind. */
  killGroup(): Promise<void>;
}

/**
 * Starts a process in a process group of its own. Signals under test still go to its pid
 * alone, as tini sends them to its one child.
 */
function start(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Started {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));

  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  return {
    child,
    output: () => output,
    killGroup: async () => {
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // ESRCH: every process of the group has exited.
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    exited: (timeoutMs) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ code: null, signal: null, timedOut: true }), timeoutMs);
        void exit.then((result) => {
          clearTimeout(timer);
          resolve({ ...result, timedOut: false });
        });
      }),
  };
}

/** Polls GET /health/ready until it returns 200; fails early with the output if the process exits. */
async function waitForReady(url: string, server: Started): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`the server exited (${server.child.exitCode ?? server.child.signalCode}) before it was ready:\n${server.output()}`);
    }
    const status = await request(url)
      .get('/health/ready')
      .timeout(2000)
      .then((response) => response.status, () => 0);
    if (status === 200) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`GET /health/ready did not return 200 within ${READY_TIMEOUT_MS} ms:\n${server.output()}`);
}

function countOccurrences(text: string, fragment: string): number {
  return text.split(fragment).length - 1;
}

const dockerfileText = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerignoreText = readFileSync(join(ROOT, '.dockerignore'), 'utf8');

describe('Dockerfile and .dockerignore', () => {
  const image = readImage(dockerfileText);

  it('sends every COPY source to the build', () => {
    const sources = image.instructions
      .filter((instruction) => instruction.keyword === 'COPY')
      .map((instruction) => splitFlags(instruction.value))
      .filter(({ flags }) => flags.from === undefined)
      .flatMap(({ args }) => args.slice(0, -1));

    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
      expect({ source, inContext: isInBuildContext(source, dockerignoreText) }).toEqual({ source, inContext: true });
    }
  });

  it('keeps build inputs and drops local state', () => {
    const migrations = readdirSync(join(ROOT, 'prisma', 'migrations')).filter((name) => statSync(join(ROOT, 'prisma', 'migrations', name)).isDirectory());
    const needed = ['src/main.ts', 'src/database/migrate.cli.ts', 'prisma/schema.prisma', ...migrations.map((name) => `prisma/migrations/${name}/migration.sql`)];
    const dropped = [
      'node_modules/jest/package.json',
      'dist/main.js',
      '.git/HEAD',
      '.env',
      '.omninanny/server.key',
      'coverage/lcov.info',
      'test/docker-start.e2e-spec.ts',
      'sdk/dist/index.js',
      'bench/results.json',
      'src/generated/prisma/client.ts',
      'src/config/config.spec.ts',
    ];

    for (const path of needed) {
      expect({ path, inContext: isInBuildContext(path, dockerignoreText) }).toEqual({ path, inContext: true });
    }
    for (const path of dropped) {
      expect({ path, inContext: isInBuildContext(path, dockerignoreText) }).toEqual({ path, inContext: false });
    }
  });

  it('runs as node with data on the volume', () => {
    expect(image.user).toBe('node');
    expect(image.volumes).toContain(image.env.OMNINANNY_DATA_DIR);
    expect(image.exposed).toContain(image.env.PORT);
    expect(image.healthcheckCommand.join(' ')).toContain('/health/live');

    // The agent's state file lists pids that end with the container, so it must not outlive
    // it on the volume.
    expect(image.env.OMNINANNY_AGENT_STATE_DIR).toBeDefined();
    expect(image.env.OMNINANNY_AGENT_STATE_DIR.startsWith(`${image.env.OMNINANNY_DATA_DIR}/`)).toBe(false);
  });

  it('installs tini when ENTRYPOINT uses it', () => {
    if (!image.entrypoint[0].endsWith('/tini')) {
      return;
    }
    const installs = image.runtime.filter((instruction) => instruction.keyword === 'RUN' && /apt-get install .*\btini\b/.test(instruction.value));
    expect(installs).toHaveLength(1);
    expect(image.entrypoint[1]).toBe('--');
  });
});

describe('image start sequence outside Docker', () => {
  const image = readImage(dockerfileText);
  const workDir = mkdtempSync(join(tmpdir(), 'omninanny-image-'));
  const appDir = join(workDir, 'app');
  const binDir = join(workDir, 'bin');
  const homeDir = join(workDir, 'home');
  const agentStateDir = join(workDir, 'agent-state');
  let database: TestDatabase;
  let npmCiMs = 0;

  /** The image's ENTRYPOINT without tini, pointing at the copied entrypoint script. */
  const entrypoint = (): string[] => {
    const command = image.entrypoint[0].endsWith('/tini') ? image.entrypoint.slice(2) : image.entrypoint;
    return [join(binDir, basename(command[0])), ...command.slice(1)];
  };

  /** The container's environment: the image's ENV with its paths moved into workDir. */
  const containerEnv = (overrides: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: [binDir, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: homeDir,
    ...image.env,
    OMNINANNY_DATA_DIR: database.dataDir,
    OMNINANNY_AGENT_STATE_DIR: agentStateDir,
    // The image listens on every interface; the test keeps the server on loopback.
    HOST: '127.0.0.1',
    OMNINANNY_KEY: KEY,
    OMNINANNY_JWT_SECRET: JWT_SECRET,
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...overrides,
  });

  const startContainer = (port: number, command: string[] = image.cmd): Started => {
    const [script, ...entrypointArgs] = entrypoint();
    return start(script, [...entrypointArgs, ...command], { cwd: appDir, env: containerEnv({ PORT: String(port) }) });
  };

  const runHealthcheck = (port: number): Promise<Run> => {
    const [command, ...args] = image.healthcheckCommand;
    return run(command, args, {
      cwd: appDir,
      env: containerEnv({ PORT: String(port) }),
      timeoutMs: durationMs(image.healthcheckOptions.timeout ?? '30s'),
    });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    mkdirSync(appDir);
    mkdirSync(binDir);
    mkdirSync(homeDir);

    // The runtime stage's COPY --from=build lines, from this checkout's build output.
    // node_modules comes from the production install below instead of the checkout.
    expect(image.fromBuild.map(({ args }) => args[0])).toContain(`${image.buildWorkdir}/node_modules`);
    for (const { args } of image.fromBuild) {
      const [source, destination] = args;
      const relative = posix.relative(image.buildWorkdir!, source);
      if (relative === 'node_modules') {
        continue;
      }
      const target = join(appDir, posix.relative(image.workdir, posix.resolve(image.workdir, destination)));
      cpSync(join(ROOT, relative), target, { recursive: true });
    }
    // The build stage has the lockfile, so `npm ci` there installs the locked versions.
    copyFileSync(join(ROOT, 'package-lock.json'), join(appDir, 'package-lock.json'));

    // The entrypoint script, installed like its COPY line does (executable, found by name).
    const entrypointCopy = image.fromContext.find(({ args }) => args[0] === 'docker/entrypoint.sh');
    expect(entrypointCopy?.args[1]).toBe(`/usr/local/bin/${basename(entrypoint()[0])}`);
    copyFileSync(join(ROOT, 'docker', 'entrypoint.sh'), entrypoint()[0]);
    chmodSync(entrypoint()[0], 0o755);

    // The build stage's `npm prune --omit=dev` leaves what a production-only install of
    // the lockfile has. npm's own settings from `npm test` would leak into a child npm.
    const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
    const startedAt = Date.now();
    const install = await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: appDir,
      env: { ...npmEnv, NODE_ENV: 'production' },
      timeoutMs: NPM_CI_TIMEOUT_MS,
    });
    npmCiMs = Date.now() - startedAt;
    if (install.code !== 0) {
      throw new Error(`npm ci --omit=dev failed (${install.timedOut ? `timed out after ${NPM_CI_TIMEOUT_MS} ms` : `exit ${install.code}`}):\n${install.output}`);
    }
  }, NPM_CI_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('installs production dependencies only', () => {
    expect(npmCiMs).toBeLessThan(NPM_CI_TIMEOUT_MS);
    expect(existsSync(join(appDir, 'node_modules', '@nestjs', 'core', 'package.json'))).toBe(true);
    expect(existsSync(join(appDir, 'node_modules', 'jest'))).toBe(false);
    expect(existsSync(join(appDir, 'node_modules', '@nestjs', 'cli'))).toBe(false);
    expect(existsSync(join(appDir, 'node_modules', '@swc', 'core'))).toBe(false);
  });

  it('migrates, serves, and stops on SIGTERM', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const migrations = readdirSync(join(appDir, 'prisma', 'migrations'))
      .filter((name) => statSync(join(appDir, 'prisma', 'migrations', name)).isDirectory())
      .sort();
    const server = startContainer(port);

    try {
      await waitForReady(url, server);

      // The entrypoint migrated before the server started, so the server found nothing to do.
      const output = server.output();
      expect(output).toContain('omninanny-entrypoint: applying database migrations');
      expect(output).toContain(`applied migrations: ${migrations.join(', ')}`);
      expect(countOccurrences(output, 'applied migrations:')).toBe(1);
      expect(output.indexOf('the database is up to date')).toBeGreaterThan(-1);
      expect(output.indexOf('the database is up to date')).toBeLessThan(output.indexOf('listening on'));

      if (database.url) {
        const client = new Client({ connectionString: database.url });
        await client.connect();
        try {
          const applied = await client.query<{ migration_name: string }>(
            'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
          );
          expect(applied.rows.map((row) => row.migration_name)).toEqual(migrations);
        } finally {
          await client.end();
        }
      }

      // `exec` in the entrypoint replaced the shell, so the pid Docker signals is node's.
      if (existsSync('/proc/self/cmdline')) {
        const commandLine = readFileSync(`/proc/${server.child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        expect(commandLine).toEqual(image.cmd);
      }

      const healthy = await runHealthcheck(port);
      expect({ code: healthy.code, output: healthy.output }).toEqual({ code: 0, output: '' });

      // Runtime code paths that need more than the health routes: HTTP API, Socket.IO, JWT.
      const created = await request(url).post('/api/server/user').set('Authorization', `Bearer ${KEY}`).send({ sub: 'docker-start', nickname: 'Docker' });
      expect(created.status).toBe(200);
      const socket = await connectClient(url, { auth: { token: created.body.token } });
      try {
        expect(await socket.timeout(3000).emitWithAck('user:me')).toMatchObject({ ok: true, sub: 'docker-start', is_online: true });
      } finally {
        socket.close();
      }

      server.child.kill('SIGTERM');
      const exit = await server.exited(STOP_TIMEOUT_MS);
      expect(exit.timedOut).toBe(false);
      // Nest re-raises the signal after its shutdown hooks, which Docker reports as 143.
      expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);

      const unhealthy = await runHealthcheck(port);
      expect(unhealthy.code).not.toBe(0);

      expect(server.output()).not.toContain(KEY);
      expect(server.output()).not.toContain(JWT_SECRET);
    } finally {
      await server.killGroup();
    }
  }, READY_TIMEOUT_MS + 60_000);

  it('restarts on the same data after SIGTERM', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = startContainer(port);

    try {
      await waitForReady(url, server);

      // The first run's data survived its stop: the embedded database reopens (its lock was
      // released), no migration is pending, and the user created before the stop is there.
      expect(server.output()).toContain('the database is up to date');
      expect(server.output()).not.toContain('applied migrations:');
      const user = await request(url).get('/api/server/user').query({ sub: 'docker-start' }).set('Authorization', `Bearer ${KEY}`);
      expect(user.status).toBe(200);
      expect(user.body.nickname).toBe('Docker');

      server.child.kill('SIGTERM');
      const exit = await server.exited(STOP_TIMEOUT_MS);
      expect(exit.timedOut).toBe(false);
    } finally {
      await server.killGroup();
    }
  }, READY_TIMEOUT_MS + 60_000);

  it('runs the agent without migrations', async () => {
    // A data directory and no DATABASE_URL: a migration would create the embedded database.
    const emptyDataDir = join(workDir, 'agent-data');
    mkdirSync(emptyDataDir);
    mkdirSync(agentStateDir, { recursive: true });
    writeFileSync(join(agentStateDir, 'instances.json'), JSON.stringify([{ instance: 'stale', pid: 1, port: 7000, state: 'ready' }]));

    const [script, ...entrypointArgs] = entrypoint();
    const env = containerEnv({ OMNINANNY_DATA_DIR: emptyDataDir });
    delete env.DATABASE_URL;
    const help = await run(script, [...entrypointArgs, 'node', 'dist/agent/main.js', '--help'], { cwd: appDir, env, timeoutMs: 30_000 });

    expect(help.code).toBe(0);
    expect(help.output).toContain('Usage: node dist/agent/main.js --url URL');
    expect(help.output).not.toContain('applying database migrations');
    expect(readdirSync(emptyDataDir)).toEqual([]);
    // The state file of an earlier run of the container is gone before the agent reads it.
    expect(existsSync(join(agentStateDir, 'instances.json'))).toBe(false);
  });

  it('keeps the state file given --state-dir', async () => {
    const stateDir = join(workDir, 'explicit-state');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'instances.json'), '[]');

    const [script, ...entrypointArgs] = entrypoint();
    const env = containerEnv({ OMNINANNY_AGENT_STATE_DIR: stateDir });
    const help = await run(script, [...entrypointArgs, 'node', 'dist/agent/main.js', '--state-dir', stateDir, '--help'], { cwd: appDir, env, timeoutMs: 30_000 });

    expect(help.code).toBe(0);
    expect(existsSync(join(stateDir, 'instances.json'))).toBe(true);
  });
});
