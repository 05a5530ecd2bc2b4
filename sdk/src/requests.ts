import type { Socket } from 'socket.io-client';
import { OmninannyError } from './errors';
import type { AckSuccess, ClientEventName } from './protocol';

/** Sends a client event and returns its successful acknowledgement. */
export type Requester = <T extends object = object>(event: ClientEventName, payload?: object) => Promise<AckSuccess<T>>;

/**
 * Emits the event and waits at most `timeoutMs` for its acknowledgement. Throws an
 * OmninannyError with the acknowledgement's code on `ok: false`, 408 on timeout, 502 on an
 * acknowledgement that is not `{ ok: boolean, ... }`, and 503 when the socket is closed or
 * the connection drops before the acknowledgement arrives.
 */
export async function sendRequest<T extends object>(
  socket: Socket,
  timeoutMs: number,
  event: ClientEventName,
  payload?: object,
): Promise<AckSuccess<T>> {
  // A closed socket buffers the packet and never sends it, so fail now instead of after the timeout.
  if (!socket.active) {
    throw new OmninannyError(503, `not connected: call connect() before sending ${event}`);
  }

  const args = payload === undefined ? [] : [payload];
  let ack: unknown;
  try {
    ack = await socket.timeout(timeoutMs).emitWithAck(event, ...args);
  } catch (error) {
    // Socket.IO 4.8 rejects with "operation has timed out", or with "socket has been
    // disconnected" when the connection drops after the packet was sent.
    if ((error as Error).message === 'socket has been disconnected') {
      throw new OmninannyError(503, `lost the connection while waiting for ${event}; the server may have processed it, so check before retrying`);
    }
    throw new OmninannyError(408, `timed out waiting for ${event}`);
  }
  return parseAck<T>(event, ack);
}

function parseAck<T extends object>(event: string, ack: unknown): AckSuccess<T> {
  if (typeof ack !== 'object' || ack === null || typeof (ack as { ok?: unknown }).ok !== 'boolean') {
    throw new OmninannyError(502, `invalid acknowledgement of ${event}: expected an object with a boolean "ok"`);
  }

  const result = ack as { ok: boolean; code?: unknown; message?: unknown; errors?: unknown };
  if (result.ok) {
    return result as AckSuccess<T>;
  }

  const code = typeof result.code === 'number' ? result.code : 500;
  const message = typeof result.message === 'string' ? result.message : `${event} failed`;
  const errors = Array.isArray(result.errors) ? result.errors.map(String) : undefined;
  throw new OmninannyError(code, message, errors);
}
