import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayDisconnect, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import { acknowledge } from '../common/socket-ack';
import { validatePayload } from '../common/validate-payload';
import { CLIENT_EVENTS } from '../gateway/client-events';
import type { Ack } from '../gateway/dto/client-events.dto';
import { ChatService } from './chat.service';
import { ChatChannelDto, ChatHistoryDto, ChatSendDto } from './dto/chat.dto';

/**
 * Chat events on the default namespace. ClientGateway authenticates every socket in the
 * handshake, so `socket.data.user` is set before any of these handlers runs.
 */
@WebSocketGateway({ cors: { origin: true } })
export class ChatGateway implements OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);

  constructor(private readonly chat: ChatService) {}

  handleDisconnect(socket: Socket): void {
    this.chat.forgetSocket(socket.id);
  }

  @SubscribeMessage(CLIENT_EVENTS.chatJoin)
  async join(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<Ack> {
    return acknowledge(this.logger, CLIENT_EVENTS.chatJoin, async () => {
      const { channel } = await validatePayload(ChatChannelDto, payload);
      return this.chat.join(socket, channel);
    });
  }

  @SubscribeMessage(CLIENT_EVENTS.chatLeave)
  async leave(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<Ack> {
    return acknowledge(this.logger, CLIENT_EVENTS.chatLeave, async () => {
      const { channel } = await validatePayload(ChatChannelDto, payload);
      return this.chat.leave(socket, channel);
    });
  }

  @SubscribeMessage(CLIENT_EVENTS.chatSend)
  async send(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<Ack> {
    return acknowledge(this.logger, CLIENT_EVENTS.chatSend, async () => this.chat.send(socket, await validatePayload(ChatSendDto, payload)));
  }

  @SubscribeMessage(CLIENT_EVENTS.chatHistory)
  async history(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<Ack> {
    return acknowledge(this.logger, CLIENT_EVENTS.chatHistory, async () => this.chat.history(socket, await validatePayload(ChatHistoryDto, payload)));
  }
}
