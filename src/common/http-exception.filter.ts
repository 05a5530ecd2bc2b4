import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { REQUEST_ID_HEADER } from '../logging/request-log.middleware';
import { ApiError, toErrorBody } from './api-error';
import { redactKey } from './redact';

/** Sends every HTTP error as `{code, message}`; stacks go to the log, never to the client. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    // Express's own 404 message repeats the URL, query string (and so the key) included.
    const body =
      error instanceof NotFoundException && !(error instanceof ApiError)
        ? { code: 404, message: `no route for ${request.method} ${request.path}` }
        : toErrorBody(error);

    if (!(error instanceof HttpException)) {
      const requestId = response.getHeader(REQUEST_ID_HEADER);
      this.logger.error(`${request.method} ${redactKey(request.originalUrl)} failed (request ${String(requestId)})`, (error as Error)?.stack ?? String(error));
    }

    if (response.headersSent) {
      return;
    }
    response.status(body.code).json(body);
  }
}
