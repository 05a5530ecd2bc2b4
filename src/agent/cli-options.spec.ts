import { resolve } from 'node:path';
import { DEFAULT_STATE_DIR, parseCliOptions, UsageError } from './cli-options';

const env = { OMNINANNY_URL: 'http://127.0.0.1:3000', OMNINANNY_WORKER_TOKEN: 'token-from-env' };

function usageError(argv: string[], environment: NodeJS.ProcessEnv): string {
  try {
    parseCliOptions(argv, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected parseCliOptions to throw');
}

describe('parseCliOptions', () => {
  it('reads the environment', () => {
    expect(parseCliOptions([], { ...env, OMNINANNY_AGENT_ALLOW: '/usr/bin/game, node ,', OMNINANNY_AGENT_STATE_DIR: '/var/lib/agent' })).toEqual({
      url: 'http://127.0.0.1:3000',
      token: 'token-from-env',
      allowedCommands: ['/usr/bin/game', 'node'],
      stateDir: '/var/lib/agent',
      logLevels: ['error', 'warn', 'log'],
    });
  });

  it('prefers flags over the environment', () => {
    const options = parseCliOptions(['--url=https://cp.example:8443', '--token', 'flag-token', '--allow', 'game', '--state-dir', 'agent-state'], env);

    expect(options).toMatchObject({ url: 'https://cp.example:8443', token: 'flag-token', allowedCommands: ['game'], stateDir: resolve('agent-state') });
  });

  it('applies defaults', () => {
    expect(parseCliOptions([], env)).toMatchObject({ allowedCommands: undefined, stateDir: resolve(DEFAULT_STATE_DIR) });
  });

  it('returns help', () => {
    expect(parseCliOptions(['--help'], {})).toBe('help');
  });

  it.each([
    ['missing url', [], { OMNINANNY_WORKER_TOKEN: 't' }, 'missing --url (or OMNINANNY_URL)'],
    ['invalid url', ['--url', 'not a url'], env, 'invalid --url (or OMNINANNY_URL) "not a url"'],
    ['url scheme', ['--url', 'ftp://host'], env, 'the scheme must be http, https, ws or wss'],
    ['missing token', [], { OMNINANNY_URL: 'http://127.0.0.1:3000' }, 'missing worker token: set OMNINANNY_WORKER_TOKEN'],
    ['empty allow', ['--allow', ' , '], env, 'invalid --allow (or OMNINANNY_AGENT_ALLOW)'],
    ['empty state dir', ['--state-dir', ''], env, 'invalid --state-dir'],
    ['log level', [], { ...env, LOG_LEVEL: 'loud' }, 'invalid LOG_LEVEL "loud"'],
    ['unknown flag', ['--verbose'], env, "Unknown option '--verbose'"],
    ['positional', ['extra'], env, 'extra'],
  ])('rejects %s', (_name, argv, environment, message) => {
    expect(usageError(argv, environment)).toContain(message);
  });
});
