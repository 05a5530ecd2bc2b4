import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsString, Length, Matches, ValidateBy, ValidationOptions } from 'class-validator';

// PostgreSQL text cannot store NUL, and other control characters in an id or a name are
// almost always a client bug.
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;

/** Validates a printable string of min to max UTF-16 code units (not trimmed). */
export function IsName(min: number, max: number): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(min, max, { message: ({ property }) => `${property} must be a string of ${min} to ${max} characters` }),
    Matches(NO_CONTROL_CHARACTERS, { message: ({ property }) => `${property} must not contain control characters` }),
  );
}

function parseBooleanText(value: unknown): unknown {
  if (value === 'true') {
    return true;
  }
  if (value === 'false') {
    return false;
  }
  return value;
}

/**
 * Validates a boolean that may also arrive as the query-string text `true` or `false`.
 * Any other text stays a string, so IsBoolean rejects it.
 */
export function IsQueryBoolean(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => parseBooleanText(value)),
    IsBoolean({ message: ({ property }) => `${property} must be true or false` }),
  );
}

/**
 * Any JSON value (null included) whose serialized form is at most maxBytes of UTF-8 and
 * contains no NUL character, which PostgreSQL's jsonb rejects.
 */
export function IsJsonValue(maxBytes: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isJsonValue',
      validator: {
        validate: (value: unknown) => {
          if (value === undefined) {
            return false;
          }
          const text = JSON.stringify(value);
          return Buffer.byteLength(text, 'utf8') <= maxBytes && !text.includes('\\u0000');
        },
        defaultMessage: (args) => `${args?.property} must be a JSON value of at most ${maxBytes / 1024} KiB without NUL characters`,
      },
    },
    options,
  );
}

const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Validates a worker or server name: 1–64 letters, digits, dots, dashes and underscores. */
export function IsResourceName(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Matches(RESOURCE_NAME, {
      message: ({ property }) => `${property} must be 1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit`,
    }),
  );
}

/** Validates a reference to a worker or server: its id (UUID) or its name. */
export function IsResourceRef(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(1, 64, { message: ({ property }) => `${property} must be an id or a name of 1 to 64 characters` }),
    Matches(NO_CONTROL_CHARACTERS, { message: ({ property }) => `${property} must not contain control characters` }),
  );
}

/** Validates an object whose values are all strings, with at most maxEntries keys (labels, env). */
export function IsStringMap(maxEntries: number, maxValueLength: number): PropertyDecorator {
  return ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= maxEntries &&
        Object.entries(value).every(
          ([key, entry]) => key.length > 0 && key.length <= 256 && !key.includes('\u0000') && typeof entry === 'string' && entry.length <= maxValueLength && !entry.includes('\u0000'),
        ),
      defaultMessage: (args) => `${args?.property} must be an object of at most ${maxEntries} string values of up to ${maxValueLength} characters`,
    },
  });
}
