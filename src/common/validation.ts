import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
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
 * Skips parameters whose design type is `Function`. tsc emits that type for a parameter
 * typed with a type-only import, such as a gateway's `@ConnectedSocket() socket: Socket`,
 * and transforming the live socket into a `Function` throws. Socket event payloads are
 * validated by validatePayload instead.
 */
class StrictValidationPipe extends ValidationPipe {
  protected override toValidate(metadata: ArgumentMetadata): boolean {
    return metadata.metatype !== Function && super.toValidate(metadata);
  }
}

/**
 * Creates the strict pipe for every DTO: unknown fields are rejected, and every failure becomes the
 * `400 invalid body` error with one line per field.
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => invalidBody(describeValidationErrors(errors)),
  });
}
