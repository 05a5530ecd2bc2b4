import { Logger } from '@nestjs/common';
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
import { toErrorBody } from '../common/api-error';
import { validatePayload } from '../common/validate-payload';
import { COMMAND_EVENT, CommandsService } from '../commands/commands.service';
import { PresenceService, userRoom } from '../presence/presence.service';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
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
  ) {}

  afterInit(server: Server): void {
    this.presence.attach(server);
    server.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (error: Error) => {
          if (error.message !== INVALID_TOKEN) {
            this.logger.error('socket authentication failed', error.stack);
          }
          next(error.message === INVALID_TOKEN ? error : new Error('internal server error'));
        },
      );
    });
  }

  async handleConnection(socket: Socket): Promise<void> {
    const user = socket.data.user as SocketUser | undefined;
    if (!user) {
      socket.disconnect(true);
      return;
    }

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

  @SubscribeMessage('user:me')
  async me(@ConnectedSocket() socket: Socket): Promise<Ack> {
    return this.respond(async () => {
      const user = await this.users.requireUser(this.userOf(socket).sub);
      return this.users.describe(user);
    });
  }

  @SubscribeMessage('command:ack')
  async acknowledgeCommand(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<Ack> {
    return this.respond(async () => {
      const { id } = await validatePayload(CommandAckDto, payload);
      await this.commands.acknowledge(this.userOf(socket).sub, id);
      return {};
    });
  }

  /** Accepts a valid, unexpired token whose version matches the user's current one. */
  private async authenticate(socket: Socket): Promise<void> {
    const token = readHandshakeToken(socket);
    const claims = token ? this.tokens.verify(token) : undefined;
    if (!claims) {
      throw new Error(INVALID_TOKEN);
    }

    const user = await this.usersRepository.find(claims.sub);
    if (!user || user.tokenVersion !== claims.ver) {
      throw new Error(INVALID_TOKEN);
    }
    socket.data.user = { sub: user.sub, nickname: user.nickname } satisfies SocketUser;
  }

  private userOf(socket: Socket): SocketUser {
    return socket.data.user as SocketUser;
  }

  /** Runs an event handler and turns its result or error into the acknowledgement. */
  private async respond(handler: () => Promise<object>): Promise<Ack> {
    try {
      return { ok: true, ...(await handler()) };
    } catch (error) {
      const body = toErrorBody(error);
      if (body.code >= 500) {
        this.logger.error('a client event failed', (error as Error).stack);
      }
      return { ok: false, ...body };
    }
  }
}
