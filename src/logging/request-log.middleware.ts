import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { redactKey } from '../common/redact';
import { requestContext } from './request-context';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Ids a caller may choose: they end up in log lines and a response header unchanged. */
const SAFE_REQUEST_ID = /^[\w.:+/=-]{1,128}$/;

const logger = new Logger('HTTP');

/** Returns the caller's X-Request-Id when it is safe to repeat, else a new UUID. */
export function requestIdOf(request: Request): string {
  const presented = request.headers['x-request-id'];
  return typeof presented === 'string' && SAFE_REQUEST_ID.test(presented) ? presented : randomUUID();
}

/**
 * Gives each request an id, echoed in the X-Request-Id response header, and logs one line
 * per finished request with the `key` query parameter redacted: a failed one (5xx) always,
 * and every request with `debug`.
 *
 * With `debug`, every log line written while serving the request also carries the id. That
 * runs the request in an AsyncLocalStorage, which on Node.js 20 and 22 tracks every promise
 * of the process through async hooks. It cost about a tenth of the command path's
 * throughput in the benchmarks, so it runs at debug level only.
 */
export function requestLogMiddleware({ debug }: { debug: boolean }) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(request);
    response.setHeader(REQUEST_ID_HEADER, requestId);

    response.on('finish', () => {
      const status = response.statusCode;
      if (status < 500 && !debug) {
        return;
      }
      const durationMs = Math.round((Number(process.hrtime.bigint() - started) / 1e6) * 10) / 10;
      const url = redactKey(request.originalUrl);
      const line = { msg: `${request.method} ${url} ${status} ${durationMs}ms`, method: request.method, url, status, durationMs, requestId };
      if (status === 500) {
        logger.error(line);
      } else if (status > 500) {
        logger.warn(line);
      } else {
        logger.debug(line);
      }
    });

    if (debug) {
      requestContext.run({ requestId }, next);
    } else {
      next();
    }
  };
}
