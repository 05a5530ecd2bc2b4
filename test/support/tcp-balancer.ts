import { createConnection, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin TCP load balancer for multi-node tests, standing in for the one ops put in
 * front of the nodes. A connection goes to the next upstream that accepts it, so clients
 * that reconnect after a node dies land on a live node.
 */
export class TcpBalancer {
  private server: Server | undefined;
  private next = 0;
  private readonly open = new Set<Socket>();

  constructor(private readonly upstreamPorts: number[]) {}

  async listen(): Promise<number> {
    this.server = createServer((client) => this.forward(client, 0));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.open) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private forward(client: Socket, attempt: number): void {
    if (attempt >= this.upstreamPorts.length) {
      client.destroy();
      return;
    }

    const port = this.upstreamPorts[this.next++ % this.upstreamPorts.length];
    const upstream = createConnection({ host: '127.0.0.1', port });
    client.pause();

    upstream.once('connect', () => {
      this.track(client);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      client.resume();
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    upstream.once('error', () => {
      if (!upstream.remoteAddress) {
        this.forward(client, attempt + 1);
      }
    });
  }

  private track(socket: Socket): void {
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
  }
}
