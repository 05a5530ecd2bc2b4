import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { redactKey } from './redact';

const logger = new Logger('HTTP');

/** Logs one line per finished request, with the `key` query parameter redacted. */
export function requestLogMiddleware(request: Request, response: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();

  response.on('finish', () => {
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const line = `${request.method} ${redactKey(request.originalUrl)} ${response.statusCode} ${elapsedMs.toFixed(1)}ms`;
    if (response.statusCode === 500) {
      logger.error(line);
    } else if (response.statusCode > 500) {
      logger.warn(line);
    } else {
      logger.debug(line);
    }
  });
  next();
}
