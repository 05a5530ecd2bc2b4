import type { Socket } from 'socket.io';

/** Identity stored on an authenticated socket. */
export interface SocketUser {
  sub: string;
  nickname: string;
}

export const INVALID_TOKEN = 'invalid token';

/**
 * Reads the user token from the handshake: `auth.token` (Socket.IO's standard place), the
 * `token` query parameter, or an `Authorization: Bearer` header for clients that cannot
 * set `auth`.
 */
export function readHandshakeToken(socket: Socket): string | undefined {
  const { auth, query, headers } = socket.handshake;

  if (typeof auth?.token === 'string' && auth.token.length > 0) {
    return auth.token;
  }
  if (typeof query?.token === 'string' && query.token.length > 0) {
    return query.token;
  }

  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization?.trim() ?? '');
  return match?.[1];
}
