import { createConnection, createServer } from 'node:net';

/**
 * Checks that `port` can be bound on 0.0.0.0 by listening on it and closing at once.
 * libuv sets SO_REUSEADDR on Unix listening sockets, so a port held only by connections
 * in TIME_WAIT counts as free.
 */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();

    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** Tries one TCP connection to 127.0.0.1:`port`; resolves true when it is accepted. */
export function canConnect(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });

    const finish = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };

    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
