import { HttpStatus } from '@nestjs/common';
import { json, type NextFunction, type Request, type Response } from 'express';
import { ApiError, invalidBody, payloadTooLarge, toErrorBody } from './api-error';

export const BODY_LIMIT = '1mb';
const BODY_LIMIT_LABEL = '1 MiB';

/**
 * Deeper bodies are rejected: validation and the JSON columns walk them recursively, and a
 * few kilobytes of nested brackets would otherwise overflow the stack.
 */
export const MAX_BODY_DEPTH = 64;

// Keys that would reach an object's prototype when copied into a DTO.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface BodyParserError {
  type?: string;
  body?: string;
}

/** Returns the first problem of a parsed body, walking it without recursion. */
function findBodyProblem(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'the body must be a JSON object';
  }

  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) {
      continue;
    }
    if (depth > MAX_BODY_DEPTH) {
      return `the body is nested deeper than ${MAX_BODY_DEPTH} levels`;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        return `the key ${key} is not allowed`;
      }
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return undefined;
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function parseFailure(error: BodyParserError): ApiError {
  if (error.type === 'entity.too.large') {
    return payloadTooLarge(BODY_LIMIT_LABEL);
  }
  if (error.type === 'charset.unsupported' || error.type === 'encoding.unsupported') {
    return new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'the body must be UTF-8 JSON without content encoding');
  }

  // In strict mode body-parser rejects valid JSON scalars too; name that case plainly.
  const first = error.body?.trimStart()[0];
  const scalar = first !== undefined && first !== '{' && first !== '[';
  return invalidBody([scalar ? 'the body must be a JSON object' : 'the body is not valid JSON']);
}

function send(response: Response, error: ApiError): void {
  const body = toErrorBody(error);
  response.status(body.code).json(body);
}

/**
 * Parses JSON bodies up to 1 MiB and sends parse failures in the API's error shape,
 * where Express's own error handler would send an HTML page. Malformed JSON, a top-level
 * array or scalar, or nesting past MAX_BODY_DEPTH is `400 invalid body`. An oversized
 * body is 413, and a body that is not JSON is 415.
 */
export function jsonBodyMiddleware() {
  const parse = json({ limit: BODY_LIMIT });

  return (request: Request, response: Response, next: NextFunction) => {
    parse(request, response, (error?: unknown) => {
      if (error) {
        send(response, parseFailure(error as BodyParserError));
        return;
      }

      // body-parser leaves the body undefined unless it parsed JSON, which saves parsing
      // the Content-Type a second time here.
      if (request.body === undefined) {
        if (hasBody(request) && request.headers['content-type'] !== undefined) {
          send(response, new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'the body must be JSON sent as Content-Type: application/json'));
          return;
        }
        next();
        return;
      }

      const problem = hasBody(request) ? findBodyProblem(request.body) : undefined;
      if (problem) {
        send(response, invalidBody([problem]));
        return;
      }
      next();
    });
  };
}
