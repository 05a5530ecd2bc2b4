import { createHash, randomBytes } from 'node:crypto';

/** A new agent token: 256 random bits, prefixed so it is recognisable in a secret scanner. */
export function generateWorkerToken(): string {
  return `wkr_${randomBytes(32).toString('base64url')}`;
}

/**
 * The stored form of a token. A plain SHA-256 suffices because the token is 256 random
 * bits, and it allows the lookup by hash that a salted hash would not.
 */
export function hashWorkerToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
