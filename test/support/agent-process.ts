import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const AGENT_MAIN = join(__dirname, '..', '..', 'dist', 'agent', 'main.js');

export const GAME_SERVER = join(__dirname, '..', 'fixtures', 'game-server.js');

export interface AgentProcess {
  child: ChildProcess;
  stateDir: string;
  /** Output of the agent so far, for failure messages. */
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL without letting it stop its game servers. */
  kill(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
  });
}

/**
 * Starts the built worker agent (`dist/agent/main.js`, from `npm run build`) as a real
 * process. Reusing a stateDir lets a restarted agent find the processes it left running.
 */
export function startAgentProcess(url: string, token: string, options: { stateDir?: string; allow?: string } = {}): AgentProcess {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'omninanny-agent-'));
  const env: NodeJS.ProcessEnv = { ...process.env, OMNINANNY_URL: url, OMNINANNY_WORKER_TOKEN: token, OMNINANNY_AGENT_STATE_DIR: stateDir };
  if (options.allow) {
    env.OMNINANNY_AGENT_ALLOW = options.allow;
  }

  const child = spawn(process.execPath, [AGENT_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));

  return {
    child,
    stateDir,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}
