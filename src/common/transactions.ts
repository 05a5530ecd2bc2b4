import { Logger } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';

const logger = new Logger('Transactions');

// P2034: the transaction failed on a write conflict or a deadlock, and can be run again.
const RETRYABLE_CODES = new Set(['P2034']);
// SQLSTATE 40001 (serialization failure) and 40P01 (deadlock), when raised inside raw SQL.
const RETRYABLE_SQLSTATES = ['40001', '40P01'];

function isRetryable(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    return RETRYABLE_CODES.has(error.code) || RETRYABLE_SQLSTATES.some((state) => error.message.includes(state));
  }
  // Errors of the plain SQL path (pg and PGlite) carry the SQLSTATE as `code`.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_SQLSTATES.includes(code);
}

/** Runs a transaction again, up to `attempts` times, when PostgreSQL aborted it on a conflict. */
export async function withTransactionRetry<T>(name: string, run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) {
        throw error;
      }
      logger.warn(`${name}: transaction conflict, retrying (attempt ${attempt + 1} of ${attempts}): ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
    }
  }
}
