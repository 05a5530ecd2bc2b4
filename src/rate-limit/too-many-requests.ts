import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/api-error';

export const tooManyRequests = (what: string, retryAfterMs: number) =>
  new ApiError(HttpStatus.TOO_MANY_REQUESTS, `rate limit exceeded: ${what}; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
