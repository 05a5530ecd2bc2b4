import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/api-error';

export const tooManyRequests = (limit: string, retryAfterMs: number) =>
  new ApiError(HttpStatus.TOO_MANY_REQUESTS, `rate limit exceeded: ${limit}; retry in ${Math.ceil(retryAfterMs / 1000)} s`);
