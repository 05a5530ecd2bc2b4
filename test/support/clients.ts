import { io, ManagerOptions, Socket, SocketOptions } from 'socket.io-client';

type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** A real Socket.IO client that is not connected yet, so listeners can be added first. */
export function createClient(url: string, options: ClientOptions = {}): Socket {
  return io(url, { transports: ['websocket'], reconnection: false, forceNew: true, autoConnect: false, ...options });
}

/** Connects a real Socket.IO client; rejects with the server's connect_error message. */
export function connectClient(url: string, options: ClientOptions = {}): Promise<Socket> {
  return connectSocket(createClient(url, options));
}

/** Connects a socket made by createClient. */
export function connectSocket(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.connect();
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Resolves with the next payload of an event, or rejects after timeoutMs. */
export function nextEvent<T = unknown>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, listener);
  });
}

/** Collects every payload of an event from now on. */
export function collectEvents<T = unknown>(socket: Socket, event: string): T[] {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
}

/** Resolves when the socket is disconnected, with the reason. */
export function disconnection(socket: Socket, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (socket.disconnected) {
      resolve('already disconnected');
      return;
    }
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
