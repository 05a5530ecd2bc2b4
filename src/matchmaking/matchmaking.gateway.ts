import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayDisconnect, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { acknowledge, AckResult } from '../common/socket-ack';
import { requireEmptyPayload, validatePayload } from '../common/validate-payload';
import { CLIENT_EVENTS } from '../gateway/client-events';
import { SocketUser } from '../gateway/socket-auth';
import { JoinMatchmakingDto } from './dto/matchmaking.dto';
import { MatchmakingService } from './matchmaking.service';

/** Matchmaking events of game clients, on the default namespace next to ClientGateway. */
@WebSocketGateway({ cors: { origin: true } })
export class MatchmakingGateway implements OnGatewayDisconnect {
  private readonly logger = new Logger(MatchmakingGateway.name);

  constructor(private readonly matchmaking: MatchmakingService) {}

  @SubscribeMessage(CLIENT_EVENTS.matchmakingJoin)
  join(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<AckResult> {
    return acknowledge(this.logger, CLIENT_EVENTS.matchmakingJoin, async () => {
      const input = await validatePayload(JoinMatchmakingDto, payload);
      return this.matchmaking.join(this.userOf(socket).sub, input.mode, input.properties);
    });
  }

  @SubscribeMessage(CLIENT_EVENTS.matchmakingLeave)
  leave(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<AckResult> {
    return acknowledge(this.logger, CLIENT_EVENTS.matchmakingLeave, async () => {
      requireEmptyPayload(payload);
      return this.matchmaking.leave(this.userOf(socket).sub);
    });
  }

  handleDisconnect(socket: Socket): void {
    const user = socket.data.user as SocketUser | undefined;
    if (!user) {
      return;
    }
    this.matchmaking
      .cancelIfOffline(user.sub, socket.id)
      .catch((error: Error) => this.logger.error(`could not cancel the tickets of user ${JSON.stringify(user.sub)}`, error.stack));
  }

  private userOf(socket: Socket): SocketUser {
    return socket.data.user as SocketUser;
  }
}
