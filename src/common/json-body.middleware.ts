import { json, type NextFunction, type Request, type Response } from 'express';
import { invalidBody, payloadTooLarge, toErrorBody } from './api-error';

export const BODY_LIMIT = '1mb';
const BODY_LIMIT_LABEL = '1 MiB';

interface BodyParserError {
  type?: string;
}

/**
 * Parses JSON bodies up to 1 MiB and answers parse failures in the API's error shape:
 * malformed JSON or a top-level array or scalar is `400 invalid body`, an oversized body is 413. Express's own error
 * handler would send an HTML page instead.
 */
export function jsonBodyMiddleware() {
  const parse = json({ limit: BODY_LIMIT });

  return (request: Request, response: Response, next: NextFunction) => {
    parse(request, response, (error?: unknown) => {
      if (!error && !Array.isArray(request.body)) {
        next();
        return;
      }

      const type = (error as BodyParserError | undefined)?.type;
      const apiError =
        type === 'entity.too.large'
          ? payloadTooLarge(BODY_LIMIT_LABEL)
          : invalidBody([error ? 'the body is not valid JSON' : 'the body must be a JSON object']);
      const body = toErrorBody(apiError);
      response.status(body.code).json(body);
    });
  };
}
