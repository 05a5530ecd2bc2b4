import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';

/** Returns the Redis URL of the multi-node tests: TEST_REDIS_URL, else the local default. */
export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
}

/**
 * True when the test Redis accepts TCP connections. Synchronous (through a child process)
 * because Jest decides which tests to skip while it collects them.
 */
export function isRedisReachable(timeoutMs = 1000): boolean {
  const url = new URL(testRedisUrl());
  const probe = `const s=require('net').connect(${Number(url.port || 6379)},${JSON.stringify(url.hostname)});s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),${timeoutMs});`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: timeoutMs + 1000 }).status === 0;
}

/**
 * Environment for a cluster of test nodes sharing Redis; a random channel prefix keeps
 * clusters of different test files apart.
 */
export function redisClusterEnv(): Record<string, string> {
  return { REDIS_URL: testRedisUrl(), OMNINANNY_REDIS_PREFIX: `omninanny-test-${randomBytes(4).toString('hex')}` };
}

/**
 * Describes a block of tests that needs Redis. Outside CI a missing Redis skips the block
 * under a name that says so; in CI (CI=true) the block runs and fails, because .ci/run
 * starts Redis.
 */
export function describeWithRedis(name: string, define: () => void): void {
  if (isRedisReachable() || process.env.CI) {
    describe(name, define);
  } else {
    describe.skip(`${name} (skipped: no Redis at ${testRedisUrl()}; set TEST_REDIS_URL)`, define);
  }
}
