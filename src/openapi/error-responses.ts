import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiQuery, ApiResponse, ApiSecurity } from '@nestjs/swagger';

export class ErrorDto {
  @ApiProperty({ description: 'The HTTP status code, repeated in the body', example: 400 })
  code: number;

  @ApiProperty({ example: 'invalid body' })
  message: string;

  @ApiPropertyOptional({ type: [String], description: 'On 400: one line per offending field', example: ['sub must be a string of 1 to 128 characters'] })
  errors?: string[];
}

const ERRORS: Record<number, { description: string; message: string }> = {
  400: { description: 'Invalid body: not JSON, a missing or wrongly typed field, or an unknown field', message: 'invalid body' },
  401: { description: 'Missing or wrong server key', message: 'invalid key' },
  404: { description: 'No user with this sub', message: 'user not found' },
  409: { description: 'Conflicts with the current state', message: 'conflict' },
  413: { description: 'Request body over 1 MiB', message: 'request body is larger than 1 MiB' },
  415: { description: 'A body that is not JSON', message: 'the body must be JSON sent as Content-Type: application/json' },
  429: { description: 'Rate limit exceeded: too many wrong keys from one address, or too many requests', message: 'rate limit exceeded: at most 30 requests with a wrong key per minute; retry in 42 s' },
  503: { description: 'No capacity to serve the request', message: 'service unavailable' },
};

/** Documents the `{code, message}` error responses of a route. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: ERRORS[status].description,
        type: ErrorDto,
        example: { code: status, message: ERRORS[status].message },
      }),
    ),
  );
}

/** Documents both ways of sending the server key, and the 401 for a wrong one. */
export function ApiServerKey() {
  return applyDecorators(
    ApiSecurity('bearer'),
    ApiSecurity('key'),
    ApiQuery({ name: 'key', required: false, description: 'Omninanny server key; prefer the Authorization: Bearer header', schema: { type: 'string' } }),
    ApiErrors(401, 429),
  );
}
