import { ValidationError, ValidationPipe } from '@nestjs/common';
import { invalidBody } from './api-error';

/** Turns class-validator errors into one readable line per offending field. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {});
    // whitelist errors read "property x should not exist"; name the field plainly instead.
    const messages = own.map((message) => (message.startsWith('property ') ? `${path} is not allowed` : message));
    return [...messages, ...describeValidationErrors(error.children ?? [], path)];
  });
}

/**
 * The strict pipe for every DTO: unknown fields are rejected, and every failure becomes the
 * `400 invalid body` error with one line per field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => invalidBody(describeValidationErrors(errors)),
  });
}
