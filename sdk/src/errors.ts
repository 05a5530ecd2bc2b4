/**
 * Error of a request to the server or of the connection. `code` is the HTTP-like status of
 * a failed acknowledgement, or one set by the SDK: 401 invalid token, 408 timed out, 502
 * invalid acknowledgement, 503 not connected or connection lost.
 */
export class OmninannyError extends Error {
  override name = 'OmninannyError';

  constructor(
    readonly code: number,
    message: string,
    /** Validation messages of a 400 acknowledgement, one for each invalid field. */
    readonly errors?: string[],
  ) {
    super(message);
  }
}

/**
 * The server rejected the token during the handshake because it is malformed, expired or
 * revoked. Reconnecting with the same token cannot succeed, so the client stops.
 */
export class InvalidTokenError extends OmninannyError {
  override name = 'InvalidTokenError';

  constructor() {
    super(401, 'invalid token');
  }
}

/**
 * A matchmaking ticket ended without a match. `reason` is the server's reason (for example
 * `timeout`, `no capacity` or `cancelled`), or one set by the client: `cancelled` after
 * leave(), `closed` after close(), `disconnected` when the connection dropped, and
 * `timeout` after the `timeoutMs` of join(). `code` is 408 for `timeout` and 409 otherwise.
 */
export class MatchmakingError extends OmninannyError {
  override name = 'MatchmakingError';

  constructor(
    readonly reason: string,
    readonly ticket?: string,
    message = `matchmaking failed: ${reason}`,
  ) {
    super(reason === 'timeout' ? 408 : 409, message);
  }
}
