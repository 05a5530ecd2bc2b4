import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger as Pino, type LoggerOptions } from 'pino';
import PinoPretty from 'pino-pretty';
import type { LogFormat, LogLevelName } from '../config/config';
import { requestContext } from './request-context';

/** Nest's level names, LOG_LEVEL's values included, mapped to pino's. */
const PINO_LEVELS: Record<LogLevel, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Nest's levels, from the most verbose. */
const NEST_LEVELS_BY_VERBOSITY: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/**
 * Fields that may hold a secret if a caller ever logs an object carrying one. Messages are
 * plain strings and are not covered: callers must keep secrets out of them.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  'key',
  'serverKey',
  'jwtSecret',
  'secret',
  '*.token',
  '*.key',
  '*.serverKey',
  '*.jwtSecret',
  '*.secret',
  '*.authorization',
];

export interface PinoLoggerOptions {
  level: LogLevelName;
  format: LogFormat;
  /** Stream the lines are written to, stdout when omitted. Tests pass one to read the lines back. */
  destination?: DestinationStream;
}

/**
 * Nest's logger interface on top of pino, so every `new Logger(context)` in the code base
 * writes one line per call (JSON unless LOG_FORMAT is pretty), with the id of the HTTP
 * request being served, if any.
 */
export class PinoLoggerService implements LoggerService {
  readonly pino: Pino;

  constructor(options: PinoLoggerOptions) {
    const pinoOptions: LoggerOptions = {
      level: PINO_LEVELS[options.level],
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      mixin: () => {
        const context = requestContext.getStore();
        return context ? { requestId: context.requestId } : {};
      },
    };

    if (options.format === 'pretty') {
      const pretty = PinoPretty({
        colorize: options.destination === undefined && process.stdout.isTTY === true,
        destination: options.destination,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
        messageFormat: '{if context}[{context}] {end}{msg}',
        ignore: 'context',
      });
      this.pino = pino(pinoOptions, pretty);
    } else {
      // Labels rather than numbers, so that log queries need no table of pino's levels.
      pinoOptions.formatters = { level: (label) => ({ level: label }) };
      this.pino = pino(pinoOptions, options.destination ?? pino.destination({ dest: 1, sync: true }));
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params, true);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params, true);
  }

  /** Sets pino's level to the most verbose of the levels Nest enables. */
  setLogLevels(levels: LogLevel[]): void {
    const lowest = NEST_LEVELS_BY_VERBOSITY.find((level) => levels.includes(level));
    this.pino.level = lowest ? PINO_LEVELS[lowest] : 'silent';
  }

  /**
   * Writes one line. Nest's Logger appends the context as the last argument, and error()
   * passes the stack (or undefined) before it: `error(message, stack, context)`.
   */
  private write(level: Level, message: unknown, params: unknown[], hasStack = false): void {
    if (!this.pino.isLevelEnabled(level)) {
      return;
    }

    const rest = [...params];
    const fields: Record<string, unknown> = {};
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string' && !(hasStack && rest.length === 1 && isStack(rest[0]))) {
      fields.context = rest.pop();
    }

    let msg: string | undefined;
    if (message instanceof Error) {
      fields.err = message;
      msg = message.message;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
    } else {
      msg = String(message);
    }

    const extra: unknown[] = [];
    for (const param of rest) {
      if (param === undefined) {
        continue;
      }
      if (param instanceof Error) {
        fields.err = param;
      } else if (hasStack && typeof param === 'string' && fields.err === undefined) {
        fields.err = { message: firstLine(param, msg), stack: param };
      } else {
        extra.push(param);
      }
    }
    if (extra.length > 0) {
      fields.params = extra;
    }

    if (msg === undefined) {
      this.pino[level](fields);
    } else {
      this.pino[level](fields, msg);
    }
  }
}

function isStack(value: unknown): boolean {
  return typeof value === 'string' && /\n\s+at .+/.test(value);
}

/** Returns the "Name: message" line that starts a stack, or the log message when there is none. */
function firstLine(stack: string, fallback: string | undefined): string {
  const line = stack.split('\n', 1)[0].trim();
  return line && !line.startsWith('at ') ? line : (fallback ?? '');
}
