import type { Logger } from '@nestjs/common';
import type { Namespace, Server, Socket } from 'socket.io';

/** A handshake failure whose message the client may see as its connect_error message. */
export class HandshakeRejection extends Error {}

/**
 * Installs a handshake check on a namespace. A HandshakeRejection reaches the client as
 * its connect_error message. Any other failure is logged and reaches the client only as
 * `internal server error`, so no database detail leaks.
 */
export function useHandshakeAuth(target: Namespace | Server, logger: Logger, authenticate: (socket: Socket) => Promise<void>): void {
  target.use((socket, next) => {
    authenticate(socket).then(
      () => next(),
      (error: Error) => {
        if (error instanceof HandshakeRejection) {
          next(error);
          return;
        }
        logger.error(`handshake of socket ${socket.id} failed`, error.stack);
        next(new Error('internal server error'));
      },
    );
  });
}
