import { INestApplicationContext, Logger } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient, RedisClientType } from 'redis';
import type { Server, ServerOptions } from 'socket.io';
import { redactUrl } from '../database/database.service';
import { LeanIoAdapter } from '../gateway/lean-io.adapter';

/**
 * Socket.IO through Redis pub/sub, so that several control-plane nodes act as one: an emit
 * to a room, fetchSockets and disconnectSockets reach the sockets of every node.
 */
export class RedisIoAdapter extends LeanIoAdapter {
  private readonly redisLogger = new Logger(RedisIoAdapter.name);
  private publisher: RedisClientType | undefined;
  private subscriber: RedisClientType | undefined;

  constructor(
    app: INestApplicationContext,
    private readonly url: string,
    private readonly prefix: string,
  ) {
    super(app);
  }

  /** Connects the publishing and subscribing clients; call before the app listens. */
  async connect(): Promise<void> {
    this.publisher = createClient({ url: this.url });
    this.subscriber = this.publisher.duplicate();
    for (const [role, client] of [['publisher', this.publisher], ['subscriber', this.subscriber]] as const) {
      client.on('error', (error: Error) => this.redisLogger.error(`Redis ${role} error: ${error.message}`));
    }

    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    this.redisLogger.log(`Socket.IO nodes share Redis at ${redactUrl(this.url)}`);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    server.adapter(createAdapter(this.publisher, this.subscriber, { key: this.prefix }));
    return server;
  }

  /** Round-trips a PING, for the readiness probe. */
  async ping(): Promise<void> {
    await this.publisher?.ping();
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.allSettled([this.publisher?.quit(), this.subscriber?.quit()]);
  }
}
