import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../config/config';
import { invalidKey } from '../common/api-error';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { tooManyRequests } from '../rate-limit/too-many-requests';

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/**
 * Admits a request that carries the server key in `Authorization: Bearer <key>` or in the
 * `key` query parameter. Both sides are hashed to equal-length digests first, so the
 * comparison time depends neither on the key's content nor on its length.
 */
@Injectable()
export class ServerKeyGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rateLimits: RateLimitService,
  ) {
    this.expected = digest(config.serverKey);
  }

  /**
   * Checks the key, then the cluster-wide request limit. Wrong keys are counted per client
   * address, so guessing the key from one address stops after a few attempts a minute.
   */
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const presented = readPresentedKey(request);
    const { apiPerMinute, authFailuresPerMinute } = this.config.rateLimits;

    if (presented === undefined || !timingSafeEqual(digest(presented), this.expected)) {
      const failures = await this.rateLimits.consume(`auth-failure:${request.ip}`, authFailuresPerMinute, 60_000);
      throw failures.allowed ? invalidKey() : tooManyRequests(`at most ${authFailuresPerMinute} requests with a wrong key per minute`, failures.retryAfterMs);
    }

    const requests = await this.rateLimits.consume('api', apiPerMinute, 60_000);
    if (!requests.allowed) {
      throw tooManyRequests(`at most ${apiPerMinute} API requests per minute`, requests.retryAfterMs);
    }
    return true;
  }
}

function readPresentedKey(request: Request): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1];
  }

  const query = request.query.key;
  return typeof query === 'string' && query.length > 0 ? query : undefined;
}
