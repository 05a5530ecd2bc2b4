import { resolve } from 'node:path';
import { parseDurationSeconds } from './duration';
import { loadOrCreateSecret } from './secrets';

export interface AppConfig {
  port: number;
  /** Address to listen on; undefined listens on every interface. */
  host: string | undefined;
  /** PostgreSQL connection string; undefined selects the embedded database. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  redisUrl: string | undefined;
  /** Prefix of the Redis channels, so several clusters can share one Redis. */
  redisPrefix: string;
  dataDir: string;
  serverKey: string;
  jwtSecret: string;
  tokenTtlSeconds: number;
  /** Secrets read from or generated into the data directory, for the start-up log. */
  secretFiles: { name: string; path: string; created: boolean }[];
  logLevel: LogLevelName;
  logFormat: LogFormat;
  /** Whether GET /metrics needs the server key like the API. */
  metricsKeyRequired: boolean;
  workers: WorkersConfig;
  rateLimits: RateLimitsConfig;
}

/** Limits per minute unless named otherwise; see RateLimitService for how they are counted. */
export interface RateLimitsConfig {
  /** Requests with the right server key, across the cluster. */
  apiPerMinute: number;
  /** Requests with a missing or wrong key, per client address. */
  authFailuresPerMinute: number;
  /** Socket.IO handshakes per client address. */
  connectsPerMinute: number;
  /** Events per game-client socket per 10 seconds. */
  eventsPer10Seconds: number;
}

export interface WorkersConfig {
  /** Seconds between agent heartbeats, sent to each agent when it connects. */
  heartbeatSeconds: number;
  /** An agent silent for this many seconds is offline and its live instances fail. */
  timeoutSeconds: number;
  /** Seconds between SIGTERM and SIGKILL when an instance is stopped. */
  stopGraceSeconds: number;
  local: LocalWorkerConfig | undefined;
}

/** The worker agent that runs inside the control plane process, when enabled. */
export interface LocalWorkerConfig {
  host: string;
  capacity: number;
  portMin: number;
  portMax: number;
  /** Executables the local agent may start; undefined allows any. */
  allowedCommands: string[] | undefined;
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Raised when an environment variable is invalid; the message names the variable. */
export class ConfigError extends Error {}

export const APP_CONFIG = Symbol('APP_CONFIG');

const MIN_SECRET_LENGTH = 16;

function readPort(env: NodeJS.ProcessEnv): number {
  const raw = env.PORT?.trim() || '3000';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function readPositiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) {
    return fallback;
  }
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw new ConfigError(`${name} must be an integer from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

function readBoolean(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) {
    return fallback;
  }
  if (['true', '1', 'yes', 'on'].includes(raw)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(raw)) {
    return false;
  }
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function readPortRange(env: NodeJS.ProcessEnv, name: string, fallback: string): [number, number] {
  const raw = env[name]?.trim() || fallback;
  const match = /^(\d+)-(\d+)$/.exec(raw);
  const [min, max] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(min >= 1 && max <= 65535 && min <= max)) {
    throw new ConfigError(`${name} must be a port range such as 7000-7099 within 1-65535, got "${raw}"`);
  }
  return [min, max];
}

function readWorkersConfig(env: NodeJS.ProcessEnv, embedded: boolean): WorkersConfig {
  const heartbeatSeconds = readPositiveInt(env, 'OMNINANNY_WORKER_HEARTBEAT_SECONDS', 5, 3600);
  const timeoutSeconds = readPositiveInt(env, 'OMNINANNY_WORKER_TIMEOUT_SECONDS', 15, 86400);
  if (timeoutSeconds <= heartbeatSeconds) {
    throw new ConfigError('OMNINANNY_WORKER_TIMEOUT_SECONDS must be greater than OMNINANNY_WORKER_HEARTBEAT_SECONDS');
  }

  const local = readBoolean(env, 'OMNINANNY_LOCAL_WORKER', embedded);
  const [portMin, portMax] = readPortRange(env, 'OMNINANNY_LOCAL_WORKER_PORTS', '7000-7099');
  const allow = env.OMNINANNY_LOCAL_WORKER_ALLOW?.split(',').map((entry) => entry.trim()).filter(Boolean);

  return {
    heartbeatSeconds,
    timeoutSeconds,
    stopGraceSeconds: readPositiveInt(env, 'OMNINANNY_STOP_GRACE_SECONDS', 10, 3600),
    local: local
      ? {
          host: env.OMNINANNY_LOCAL_WORKER_HOST?.trim() || '127.0.0.1',
          capacity: readPositiveInt(env, 'OMNINANNY_LOCAL_WORKER_CAPACITY', 8, 10000),
          portMin,
          portMax,
          allowedCommands: allow && allow.length > 0 ? allow : undefined,
        }
      : undefined,
  };
}

function readUrl(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) {
    return undefined;
  }

  let protocol: string;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

function readSecret(env: NodeJS.ProcessEnv, name: string, dataDir: string, fileName: string, files: AppConfig['secretFiles']): string {
  const raw = env[name];
  if (raw !== undefined && raw !== '') {
    if (raw.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(`${name} must be at least ${MIN_SECRET_LENGTH} characters long`);
    }
    return raw;
  }

  const stored = loadOrCreateSecret(dataDir, fileName);
  files.push({ name, path: stored.path, created: stored.created });
  return stored.value;
}

function readTokenTtl(env: NodeJS.ProcessEnv): number {
  const raw = env.OMNINANNY_TOKEN_TTL?.trim() || '24h';
  const seconds = parseDurationSeconds(raw);
  if (seconds === undefined) {
    throw new ConfigError(`OMNINANNY_TOKEN_TTL must be a positive duration such as 15m, 24h, 7d or 3600, got "${raw}"`);
  }
  return seconds;
}

function readLogLevel(env: NodeJS.ProcessEnv): LogLevelName {
  const raw = (env.LOG_LEVEL?.trim() || 'log') as LogLevelName;
  if (!LOG_LEVELS.includes(raw)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return raw;
}

/** Reads LOG_FORMAT: JSON for log collectors by default, the pretty form when stdout is a terminal. */
export function readLogFormat(env: NodeJS.ProcessEnv, isTty: boolean): LogFormat {
  const raw = env.LOG_FORMAT?.trim().toLowerCase() || (isTty ? 'pretty' : 'json');
  if (!(LOG_FORMATS as readonly string[]).includes(raw)) {
    throw new ConfigError(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${env.LOG_FORMAT}"`);
  }
  return raw as LogFormat;
}

/**
 * Builds the typed configuration from environment variables, failing fast with a
 * ConfigError that names the offending variable. Generates the server key and the JWT
 * secret into the data directory when they are unset.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = resolve(env.OMNINANNY_DATA_DIR?.trim() || '.omninanny');
  const secretFiles: AppConfig['secretFiles'] = [];

  const databaseUrl = readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);

  return {
    port: readPort(env),
    host: env.HOST?.trim() || undefined,
    databaseUrl,
    databasePoolSize: readPositiveInt(env, 'DATABASE_POOL_SIZE', 10, 1000),
    redisUrl: readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: env.OMNINANNY_REDIS_PREFIX?.trim() || 'omninanny',
    dataDir,
    serverKey: readSecret(env, 'OMNINANNY_KEY', dataDir, 'server.key', secretFiles),
    jwtSecret: readSecret(env, 'OMNINANNY_JWT_SECRET', dataDir, 'jwt.secret', secretFiles),
    tokenTtlSeconds: readTokenTtl(env),
    secretFiles,
    logLevel: readLogLevel(env),
    logFormat: readLogFormat(env, process.stdout.isTTY === true),
    metricsKeyRequired: readBoolean(env, 'OMNINANNY_METRICS_KEY_REQUIRED', false),
    workers: readWorkersConfig(env, databaseUrl === undefined),
    rateLimits: {
      apiPerMinute: readPositiveInt(env, 'OMNINANNY_RATE_LIMIT_API_PER_MINUTE', 600_000, 100_000_000),
      authFailuresPerMinute: readPositiveInt(env, 'OMNINANNY_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', 30, 1_000_000),
      connectsPerMinute: readPositiveInt(env, 'OMNINANNY_RATE_LIMIT_CONNECTS_PER_MINUTE', 600, 1_000_000),
      eventsPer10Seconds: readPositiveInt(env, 'OMNINANNY_RATE_LIMIT_EVENTS_PER_10S', 200, 1_000_000),
    },
  };
}
