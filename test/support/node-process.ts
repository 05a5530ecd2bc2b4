import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { TEST_KEY, TEST_JWT_SECRET } from './app';
import { freePort } from './free-port';
import { eventually } from './poll';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

export interface NodeProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  /** SIGKILL: the node dies without closing anything. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

/** Starts the built control plane (dist/main.js) as a separate process and waits until it is ready. */
export async function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: String(port), OMNINANNY_KEY: TEST_KEY, OMNINANNY_JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));

  const url = `http://127.0.0.1:${port}`;
  await eventually(
    () => request(url).get('/health/ready').then((response) => response.status, () => 0),
    (status) => status === 200 || child.exitCode !== null,
    60_000,
    200,
  );
  if (child.exitCode !== null) {
    throw new Error(`node on port ${port} exited with ${child.exitCode}:\n${output}`);
  }

  return {
    child,
    port,
    url,
    output: () => output,
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
