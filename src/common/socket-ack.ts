import type { Logger } from '@nestjs/common';
import { toErrorBody } from './api-error';

export type AckResult<T extends object = object> = ({ ok: true } & T) | { ok: false; code: number; message: string; errors?: string[] };

/**
 * Runs a socket event handler and turns its result or error into the acknowledgement
 * `{ok: true, …}` or `{ok: false, code, message}`. Nest would otherwise emit a separate
 * `exception` event and leave the acknowledgement unanswered.
 */
export async function acknowledge<T extends object>(logger: Logger, event: string, handler: () => Promise<T>): Promise<AckResult<T>> {
  try {
    return { ok: true, ...(await handler()) };
  } catch (error) {
    const body = toErrorBody(error);
    if (body.code >= 500) {
      logger.error(`${event} failed`, (error as Error).stack);
    }
    return { ok: false, ...body };
  }
}
