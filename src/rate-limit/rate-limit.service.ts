import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createClient, RedisClientType } from 'redis';
import { APP_CONFIG, AppConfig } from '../config/config';

export interface RateLimitResult {
  allowed: boolean;
  /** Milliseconds until the current window ends. */
  retryAfterMs: number;
}

// Memory buckets are swept once this many exist, so keys from many addresses cannot grow
// the map without bound.
const MEMORY_SWEEP_THRESHOLD = 10_000;

/**
 * Fixed-window counters for rate limits. With REDIS_URL the counters live in Redis, so a
 * limit holds for the whole cluster; without it they live in this process.
 */
@Injectable()
export class RateLimitService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimitService.name);
  private redis: RedisClientType | undefined;
  private readonly memory = new Map<string, { count: number; expiresAt: number }>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.redisUrl) {
      return;
    }
    this.redis = createClient({ url: this.config.redisUrl });
    this.redis.on('error', (error: Error) => this.logger.error(`Redis error in the rate limiter: ${error.message}`));
    await this.redis.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch((error: Error) => this.logger.warn(`closing the rate limiter's Redis client failed: ${error.message}`));
  }

  /** Round-trips a PING to Redis; resolves at once without Redis. */
  async pingRedis(): Promise<void> {
    await this.redis?.ping();
  }

  /** Counts one hit in `bucket` and returns whether it stays within `limit` per `windowMs`. */
  async consume(bucket: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const retryAfterMs = (window + 1) * windowMs - now;
    const key = `${this.config.redisPrefix}:rate:${bucket}:${window}`;

    const count = this.redis ? await this.countInRedis(key, windowMs) : this.countInMemory(key, now + retryAfterMs);
    return { allowed: count <= limit, retryAfterMs };
  }

  private async countInRedis(key: string, windowMs: number): Promise<number> {
    try {
      const [count] = await this.redis!.multi().incr(key).pExpire(key, windowMs * 2).exec();
      return Number(count);
    } catch (error) {
      // A Redis outage must not take the API down with it; fall back to this node's count.
      this.logger.warn(`rate limit counter in Redis failed, counting locally: ${(error as Error).message}`);
      return this.countInMemory(key, Date.now() + windowMs);
    }
  }

  private countInMemory(key: string, expiresAt: number): number {
    if (this.memory.size >= MEMORY_SWEEP_THRESHOLD) {
      const now = Date.now();
      for (const [entryKey, entry] of this.memory) {
        if (entry.expiresAt <= now) {
          this.memory.delete(entryKey);
        }
      }
    }

    const entry = this.memory.get(key) ?? { count: 0, expiresAt };
    entry.count += 1;
    this.memory.set(key, entry);
    return entry.count;
  }
}
