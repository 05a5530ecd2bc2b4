import { Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { TokenService } from '../auth/token.service';
import { HandshakeRejection, useHandshakeAuth } from '../common/handshake-auth';
import { acknowledge } from '../common/socket-ack';
import { validatePayload } from '../common/validate-payload';
import { APP_CONFIG, AppConfig } from '../config/config';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { COMMAND_EVENT, CommandsService } from '../commands/commands.service';
import { PresenceService, userRoom } from '../presence/presence.service';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { CLIENT_EVENTS, KNOWN_CLIENT_EVENTS } from './client-events';
import { Ack, CommandAckDto } from './dto/client-events.dto';
import { INVALID_TOKEN, readHandshakeToken, SocketUser } from './socket-auth';

/**
 * The game clients' Socket.IO endpoint on the default namespace. Every socket is
 * authenticated during the handshake and joins the room of its user, so that one user may
 * hold several sockets (devices) at once.
 */
@WebSocketGateway({ cors: { origin: true } })
export class ClientGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(ClientGateway.name);

  constructor(
    private readonly tokens: TokenService,
    private readonly usersRepository: UsersRepository,
    private readonly users: UsersService,
    private readonly commands: CommandsService,
    private readonly presence: PresenceService,
    private readonly rateLimits: RateLimitService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: Server): void {
    this.presence.attach(server);
    useHandshakeAuth(server, this.logger, (socket) => this.authenticate(socket));
  }

  async handleConnection(socket: Socket): Promise<void> {
    const user = socket.data.user as SocketUser | undefined;
    if (!user) {
      socket.disconnect(true);
      return;
    }

    this.guardEvents(socket);

    // Join before reading the queue, so a command persisted in between is not missed; it
    // may then arrive twice, and the client deduplicates by id.
    await socket.join(userRoom(user.sub));
    try {
      for (const command of await this.commands.pending(user.sub)) {
        socket.emit(COMMAND_EVENT, command);
      }
    } catch (error) {
      this.logger.error(`could not send the pending commands of user ${JSON.stringify(user.sub)}`, (error as Error).stack);
    }
  }

  @SubscribeMessage(CLIENT_EVENTS.userMe)
  async me(@ConnectedSocket() socket: Socket): Promise<Ack> {
    return acknowledge(this.logger, 'user:me', async () => {
      const user = await this.users.requireUser(this.userOf(socket).sub);
      return this.users.describe(user);
    });
  }

  @SubscribeMessage(CLIENT_EVENTS.commandAck)
  async acknowledgeCommand(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<Ack> {
    return acknowledge(this.logger, 'command:ack', async () => {
      const { id } = await validatePayload(CommandAckDto, payload);
      await this.commands.acknowledge(this.userOf(socket).sub, id);
      return {};
    });
  }

  /** Accepts a valid, unexpired token whose version matches the user's current one. */
  private async authenticate(socket: Socket): Promise<void> {
    const { connectsPerMinute } = this.config.rateLimits;
    const limit = await this.rateLimits.consume(`connect:${socket.handshake.address}`, connectsPerMinute, 60_000);
    if (!limit.allowed) {
      throw new HandshakeRejection(`rate limit exceeded: at most ${connectsPerMinute} connections per minute from one address`);
    }

    const token = readHandshakeToken(socket);
    const claims = token ? this.tokens.verify(token) : undefined;
    if (!claims) {
      throw new HandshakeRejection(INVALID_TOKEN);
    }

    const user = await this.usersRepository.find(claims.sub);
    if (!user || user.tokenVersion !== claims.ver) {
      throw new HandshakeRejection(INVALID_TOKEN);
    }
    socket.data.user = { sub: user.sub, nickname: user.nickname } satisfies SocketUser;
  }

  /**
   * Rejects events past the per-socket limit with a 429 acknowledgement, leaving the
   * connection open, and acknowledges an event that no handler takes with a 404, since the
   * client would otherwise wait forever. One middleware with a fixed window per socket
   * costs two numbers and one closure per connection.
   */
  private guardEvents(socket: Socket): void {
    const limit = this.config.rateLimits.eventsPer10Seconds;
    let windowStart = 0;
    let count = 0;

    socket.use((packet, next) => {
      const now = Date.now();
      if (now - windowStart >= 10_000) {
        windowStart = now;
        count = 0;
      }
      count += 1;

      const [event] = packet;
      if (count <= limit && KNOWN_CLIENT_EVENTS.has(event)) {
        next();
        return;
      }

      const ack = packet[packet.length - 1];
      if (typeof ack !== 'function') {
        return;
      }
      ack(count > limit
        ? { ok: false, code: 429, message: `rate limit exceeded: at most ${limit} events per 10 s` }
        : { ok: false, code: 404, message: `unknown event: ${String(event).slice(0, 64)}` });
    });
  }

  private userOf(socket: Socket): SocketUser {
    return socket.data.user as SocketUser;
  }
}
