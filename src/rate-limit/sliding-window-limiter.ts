/** At most `limit` events per key within any `windowMs` milliseconds. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * An in-memory sliding-window log that keeps the times of the last `limit` accepted events of
 * each key. Unlike a token bucket, which allows a full burst again as soon as it refills, it
 * never lets more than `limit` events through in any window. Idle keys are never dropped on
 * their own, so callers remove a key with `forget` once its owner is gone.
 */
export class RateLimiter {
  private readonly accepted = new Map<string, number[]>();

  constructor(
    readonly rule: RateLimit,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1 || !(rule.windowMs > 0)) {
      throw new RangeError(`invalid rate limit ${JSON.stringify(rule)}: limit must be a positive integer and windowMs positive`);
    }
  }

  /** Records an event for the key and returns true, or returns false and records nothing when the key is at its limit. */
  tryAcquire(key: string): boolean {
    const now = this.now();
    const times = this.accepted.get(key) ?? [];

    // An event at exactly now - windowMs has left the window.
    while (times.length > 0 && times[0] <= now - this.rule.windowMs) {
      times.shift();
    }
    if (times.length >= this.rule.limit) {
      return false;
    }

    times.push(now);
    this.accepted.set(key, times);
    return true;
  }

  forget(key: string): void {
    this.accepted.delete(key);
  }

  /** Number of keys tracked. */
  get size(): number {
    return this.accepted.size;
  }
}
