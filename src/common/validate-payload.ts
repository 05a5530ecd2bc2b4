import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { invalidBody } from './api-error';
import { describeValidationErrors } from './validation';

/**
 * Validates a socket event payload with the same rules as HTTP bodies (unknown fields
 * rejected). Gateway handlers take the payload as `unknown`, which the global pipe skips.
 */
export async function validatePayload<T extends object>(type: new () => T, payload: unknown): Promise<T> {
  const plain = payload ?? {};
  if (typeof plain !== 'object' || Array.isArray(plain)) {
    throw invalidBody(['the payload must be an object']);
  }

  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: true });
  if (errors.length > 0) {
    throw invalidBody(describeValidationErrors(errors));
  }
  return instance;
}

/** Accepts an event that takes no fields: no payload, or an empty object. */
export function requireEmptyPayload(payload: unknown): void {
  const empty = payload === undefined || payload === null || (typeof payload === 'object' && !Array.isArray(payload) && Object.keys(payload).length === 0);
  if (!empty) {
    throw invalidBody(['this event takes no fields']);
  }
}
