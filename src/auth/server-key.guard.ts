import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { APP_CONFIG, AppConfig } from '../config/config';
import { invalidKey } from '../common/api-error';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Admits a request that carries the server key in `Authorization: Bearer <key>` or in the
 * `key` query parameter. Both sides are hashed to equal-length digests first, so the
 * comparison time depends neither on the key's content nor on its length.
 */
@Injectable()
export class ServerKeyGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = digest(config.serverKey);
  }

  canActivate(context: ExecutionContext): boolean {
    const presented = readPresentedKey(context.switchToHttp().getRequest<Request>());
    if (presented === undefined || !timingSafeEqual(digest(presented), this.expected)) {
      throw invalidKey();
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
