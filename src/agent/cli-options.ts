import type { LogLevel } from '@nestjs/common';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const DEFAULT_STATE_DIR = '.omninanny-agent';

const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export const USAGE = 'Usage: node dist/agent/main.js --url URL [--allow COMMANDS] [--state-dir DIR]   (token in OMNINANNY_WORKER_TOKEN)';

export const HELP = `${USAGE}

Runs the Omninanny worker agent: it connects to the control plane, starts and stops game
server processes on its requests and reports their state.

Each flag overrides the environment variable named after it.
  --url URL          control plane base URL, such as http://127.0.0.1:3000
                     (OMNINANNY_URL; required)
  --token TOKEN      worker token issued by the control plane (OMNINANNY_WORKER_TOKEN;
                     required). Prefer the variable, because other users can read
                     command-line flags with ps.
  --allow COMMANDS   comma-separated executables that the control plane may start, as
                     absolute paths or names looked up in PATH; unset allows any
                     (OMNINANNY_AGENT_ALLOW)
  --state-dir DIR    directory of the state file that lets a restarted agent adopt its
                     running game servers (OMNINANNY_AGENT_STATE_DIR; default
                     ./${DEFAULT_STATE_DIR})
  --help             print this help and exit

LOG_LEVEL sets the log detail: error, warn, log (default), debug (adds every output line
of the game servers) or verbose.

Exit status: 0 after SIGTERM or SIGINT, 1 when the control plane rejects the token or the
agent fails, 2 on invalid options.
`;

/** Raised for a missing or invalid option; the message names the option. */
export class UsageError extends Error {}

export interface CliOptions {
  url: string;
  token: string;
  allowedCommands: string[] | undefined;
  stateDir: string;
  logLevels: LogLevel[];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function readUrl(raw: string | undefined): string {
  if (raw === undefined) {
    throw new UsageError('missing --url (or OMNINANNY_URL): set the control plane URL, such as http://127.0.0.1:3000');
  }

  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    throw new UsageError(`invalid --url (or OMNINANNY_URL) "${raw}": expected an absolute URL such as http://127.0.0.1:3000`);
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(protocol)) {
    throw new UsageError(`invalid --url (or OMNINANNY_URL) "${raw}": the scheme must be http, https, ws or wss`);
  }
  return raw;
}

function readAllowlist(flag: string | undefined, env: string | undefined): string[] | undefined {
  const raw = flag ?? nonEmpty(env);
  if (raw === undefined) {
    return undefined;
  }

  const commands = raw
    .split(',')
    .map((command) => command.trim())
    .filter((command) => command.length > 0);
  if (commands.length === 0) {
    throw new UsageError(`invalid --allow (or OMNINANNY_AGENT_ALLOW) "${raw}": list at least one command, separated by commas`);
  }
  return commands;
}

function readLogLevels(raw: string | undefined): LogLevel[] {
  const level = (raw?.trim() || 'log') as LogLevel;
  const index = LOG_LEVELS.indexOf(level);
  if (index === -1) {
    throw new UsageError(`invalid LOG_LEVEL "${raw}": use one of ${LOG_LEVELS.join(', ')}`);
  }
  return LOG_LEVELS.slice(0, index + 1);
}

/**
 * Reads the options from the command line and the environment. Returns 'help' for
 * --help and throws UsageError naming the first missing or invalid option.
 */
export function parseCliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        allow: { type: 'string' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('. ')[0]}; run with --help for usage`);
  }

  if (values.help === true) {
    return 'help';
  }

  const url = readUrl(nonEmpty(values.url as string | undefined) ?? nonEmpty(env.OMNINANNY_URL));

  const token = nonEmpty(values.token as string | undefined) ?? nonEmpty(env.OMNINANNY_WORKER_TOKEN);
  if (token === undefined) {
    throw new UsageError('missing worker token: set OMNINANNY_WORKER_TOKEN (preferred, since flags show in ps) or pass --token');
  }

  const stateDirFlag = values['state-dir'] as string | undefined;
  if (stateDirFlag !== undefined && stateDirFlag.trim() === '') {
    throw new UsageError('invalid --state-dir "": give a directory path');
  }

  return {
    url,
    token,
    allowedCommands: readAllowlist(values.allow as string | undefined, env.OMNINANNY_AGENT_ALLOW),
    stateDir: resolve(stateDirFlag ?? nonEmpty(env.OMNINANNY_AGENT_STATE_DIR) ?? DEFAULT_STATE_DIR),
    logLevels: readLogLevels(env.LOG_LEVEL),
  };
}
