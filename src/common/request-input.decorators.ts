import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { invalidBody } from './api-error';

/**
 * Merges the query string into the JSON body, body first. GET and DELETE take `sub` and
 * `id` either way because many HTTP clients cannot send a body with them. The server key
 * travels in the query too and is not a field of any DTO, so it is dropped here.
 */
export const BodyOrQuery = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<Request>();
  const { key: _key, ...query } = request.query;
  return { ...query, ...readBody(request) };
});

/** Returns the JSON body as an object, or `{}` when the request has none. */
export const JsonBody = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return readBody(context.switchToHttp().getRequest<Request>());
});

function readBody(request: Request): Record<string, unknown> {
  const body: unknown = request.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidBody(['the body must be a JSON object']);
  }
  return body as Record<string, unknown>;
}
