import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import { APP_CONFIG, AppConfig } from '../config/config';

/** Room that every socket of one user joins, on whichever node it is connected. */
export const userRoom = (sub: string) => `user:${sub}`;

/**
 * Reaches the sockets of a user through Socket.IO rooms. The queries go through the
 * Socket.IO adapter, so with the Redis adapter they cover every node.
 */
@Injectable()
export class PresenceService {
  private readonly logger = new Logger(PresenceService.name);
  private server: Server | undefined;
  /** With the Redis adapter a user's sockets may sit on other nodes, out of sight of the local rooms. */
  private readonly clustered: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.clustered = config.redisUrl !== undefined;
  }

  /** Called by the gateway once Socket.IO is listening. */
  attach(server: Server): void {
    this.server = server;
  }

  /** Game-client sockets connected to this node only, whatever the adapter. */
  localSockets(): Socket[] {
    return this.server ? [...this.server.of('/').sockets.values()] : [];
  }

  async countSockets(sub: string): Promise<number> {
    if (!this.server) {
      return 0;
    }
    const sockets = await this.server.in(userRoom(sub)).fetchSockets();
    return sockets.length;
  }

  /** Ids of the user's connected sockets, on every node. */
  async socketIds(sub: string): Promise<string[]> {
    if (!this.server) {
      return [];
    }
    const sockets = await this.server.in(userRoom(sub)).fetchSockets();
    return sockets.map((socket) => socket.id);
  }

  /**
   * Emits an event to every socket of the user and returns whether any socket, on any node,
   * received it. When the user has a socket on this node, the local room decides that
   * without a cross-node query, so the command path of a connected user skips that round trip.
   */
  async emitToUser(sub: string, event: string, payload: unknown): Promise<boolean> {
    if (!this.server) {
      return false;
    }

    const room = userRoom(sub);
    const onThisNode = (this.server.of('/').adapter.rooms.get(room)?.size ?? 0) > 0;
    if (!onThisNode && !(this.clustered && (await this.countSockets(sub)) > 0)) {
      return false;
    }

    this.server.to(room).emit(event, payload);
    return true;
  }

  /** Closes every socket of the user; returns how many were open. */
  async disconnectUser(sub: string): Promise<number> {
    const count = await this.countSockets(sub);
    if (count > 0) {
      this.server!.in(userRoom(sub)).disconnectSockets(true);
      this.logger.log(`disconnected ${count} socket(s) of user ${JSON.stringify(sub)}`);
    }
    return count;
  }
}
