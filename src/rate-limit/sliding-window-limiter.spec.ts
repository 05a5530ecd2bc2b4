import { RateLimiter } from './sliding-window-limiter';

describe('RateLimiter', () => {
  let now: number;
  let limiter: RateLimiter;

  const acquireTimes = (key: string, count: number) => Array.from({ length: count }, () => limiter.tryAcquire(key));

  beforeEach(() => {
    now = 1_000_000;
    limiter = new RateLimiter({ limit: 3, windowMs: 10_000 }, () => now);
  });

  it('accepts up to the limit', () => {
    expect(acquireTimes('a', 3)).toEqual([true, true, true]);
    expect(limiter.tryAcquire('a')).toBe(false);
  });

  it('keeps keys independent', () => {
    acquireTimes('a', 3);

    expect(limiter.tryAcquire('b')).toBe(true);
    expect(limiter.tryAcquire('a')).toBe(false);
  });

  it('frees a slot after the window', () => {
    limiter.tryAcquire('a');
    now += 4_000;
    acquireTimes('a', 2);

    now += 5_999;
    expect(limiter.tryAcquire('a')).toBe(false);

    // The first event was 10 s ago, so exactly one slot is free again.
    now += 1;
    expect(limiter.tryAcquire('a')).toBe(true);
    expect(limiter.tryAcquire('a')).toBe(false);
  });

  it('never exceeds the limit per window', () => {
    // A token bucket refilling at limit/window would let 5 through between t=0 and t=9.999 s here.
    acquireTimes('a', 3);
    now += 9_999;

    expect(acquireTimes('a', 3)).toEqual([false, false, false]);
  });

  it('does not count rejected events', () => {
    acquireTimes('a', 3);
    now += 5_000;
    acquireTimes('a', 5);

    now += 5_000;
    expect(acquireTimes('a', 4)).toEqual([true, true, true, false]);
  });

  it('forget drops the key', () => {
    acquireTimes('a', 3);
    acquireTimes('b', 1);
    expect(limiter.size).toBe(2);

    limiter.forget('a');

    expect(limiter.size).toBe(1);
    expect(limiter.tryAcquire('a')).toBe(true);
  });

  it.each([
    { limit: 0, windowMs: 1000 },
    { limit: 1.5, windowMs: 1000 },
    { limit: 1, windowMs: 0 },
    { limit: 1, windowMs: Number.NaN },
  ])('rejects invalid rule %j', (rule) => {
    expect(() => new RateLimiter(rule)).toThrow(RangeError);
  });
});
