import { createHash, randomBytes } from 'node:crypto';

/** Generates an agent token: 256 random bits, prefixed so a secret scanner recognises it. */
export function generateWorkerToken(): string {
  return `wkr_${randomBytes(32).toString('base64url')}`;
}

/**
 * Hashes a token into its stored form. A plain SHA-256 suffices because the token is 256 random
 * bits, and it allows the lookup by hash that a salted hash would not.
 */
export function hashWorkerToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
