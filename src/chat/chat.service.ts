import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { ApiError } from '../common/api-error';
import { SERVER_EVENTS } from '../gateway/client-events';
import type { SocketUser } from '../gateway/socket-auth';
import { PresenceService } from '../presence/presence.service';
import { UsersService } from '../users/users.service';
import { ChatRepository, StoredChatMessage } from './chat.repository';
import { CHAT_HISTORY_DEFAULT_LIMIT, ChannelMessageEvent, ChatHistoryDto, ChatSendDto, DirectMessageEvent } from './dto/chat.dto';
import { RateLimit, RateLimiter } from '../rate-limit/sliding-window-limiter';

export const MAX_CHANNELS_PER_SOCKET = 32;
export const CHAT_SEND_RATE_LIMIT: RateLimit = { limit: 10, windowMs: 10_000 };

const CHANNEL_ROOM_PREFIX = 'chat:';

/** Socket.IO room of a chat channel. Emitting to it reaches the members on every node. */
export const channelRoom = (channel: string) => `${CHANNEL_ROOM_PREFIX}${channel}`;

function toChannelEvent(message: StoredChatMessage): ChannelMessageEvent {
  return {
    id: message.id.toString(),
    channel: message.channel!,
    from: { sub: message.fromSub, nickname: message.fromNickname },
    text: message.text,
    sent_at: message.sentAt.toISOString(),
  };
}

function toDirectEvent(message: StoredChatMessage): DirectMessageEvent {
  return {
    id: message.id.toString(),
    from: { sub: message.fromSub, nickname: message.fromNickname },
    to: message.toSub!,
    text: message.text,
    sent_at: message.sentAt.toISOString(),
  };
}

/**
 * Chat channels and direct messages of game clients. A socket's channels are its Socket.IO
 * rooms named `chat:<channel>`, so membership lasts as long as the socket. Game backends can
 * already reach a player through the command endpoint, so chat has no HTTP API.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);
  private readonly sendLimiter = new RateLimiter(CHAT_SEND_RATE_LIMIT);

  constructor(
    private readonly messages: ChatRepository,
    private readonly users: UsersService,
    private readonly presence: PresenceService,
  ) {}

  async join(socket: Socket, channel: string): Promise<{ channel: string }> {
    const room = channelRoom(channel);
    // The count and the join run without an await in between, so two concurrent joins
    // cannot both pass the check.
    if (!socket.rooms.has(room) && this.countChannels(socket) >= MAX_CHANNELS_PER_SOCKET) {
      throw new ApiError(HttpStatus.CONFLICT, `too many channels: at most ${MAX_CHANNELS_PER_SOCKET}`);
    }

    await socket.join(room);
    this.logger.debug(`socket ${socket.id} of user ${JSON.stringify(this.userOf(socket).sub)} joined channel ${channel}`);
    return { channel };
  }

  async leave(socket: Socket, channel: string): Promise<{ channel: string }> {
    await socket.leave(channelRoom(channel));
    this.logger.debug(`socket ${socket.id} of user ${JSON.stringify(this.userOf(socket).sub)} left channel ${channel}`);
    return { channel };
  }

  /** Stores the message, then emits it as `chat:message`, and returns its id for the acknowledgement. */
  async send(socket: Socket, input: ChatSendDto): Promise<{ id: string; sent_at: string }> {
    const user = this.userOf(socket);
    // Counted before any database work, so a flood of direct messages to unknown users is
    // limited too.
    if (!this.sendLimiter.tryAcquire(socket.id)) {
      this.logger.debug(`rejected chat:send of socket ${socket.id} of user ${JSON.stringify(user.sub)}: rate limit exceeded`);
      const { limit, windowMs } = CHAT_SEND_RATE_LIMIT;
      throw new ApiError(HttpStatus.TOO_MANY_REQUESTS, `rate limit exceeded: at most ${limit} chat messages per ${windowMs / 1000} s`);
    }

    const message = input.to != null ? await this.sendDirect(socket, user, input.to, input.text) : await this.sendToChannel(socket, user, input.channel!, input.text);
    return { id: message.id.toString(), sent_at: message.sentAt.toISOString() };
  }

  async history(socket: Socket, input: ChatHistoryDto): Promise<{ messages: ChannelMessageEvent[] }> {
    if (!socket.rooms.has(channelRoom(input.channel))) {
      throw new ApiError(HttpStatus.FORBIDDEN, `join channel ${input.channel} before reading its history`);
    }

    const messages = await this.messages.latestInChannel(input.channel, input.limit ?? CHAT_HISTORY_DEFAULT_LIMIT);
    return { messages: messages.map(toChannelEvent) };
  }

  /** Drops the rate limit state of a closed socket. */
  forgetSocket(socketId: string): void {
    this.sendLimiter.forget(socketId);
  }

  private async sendToChannel(socket: Socket, user: SocketUser, channel: string, text: string): Promise<StoredChatMessage> {
    const room = channelRoom(channel);
    if (!socket.rooms.has(room)) {
      throw new ApiError(HttpStatus.FORBIDDEN, `join channel ${channel} before sending to it`);
    }

    const message = await this.messages.store({ channel, toSub: null, fromSub: user.sub, fromNickname: user.nickname, text });
    socket.nsp.to(room).emit(SERVER_EVENTS.chatMessage, toChannelEvent(message));
    this.logger.debug(`message ${message.id} from user ${JSON.stringify(user.sub)} sent to channel ${channel}`);
    return message;
  }

  /**
   * Sends to every socket of the recipient and of the sender, so the sender's other devices
   * show the conversation too. A failed emit is logged and the send still succeeds, because
   * the message is already stored and a retry by the client would store it twice.
   */
  private async sendDirect(socket: Socket, user: SocketUser, to: string, text: string): Promise<StoredChatMessage> {
    await this.users.requireUser(to);

    const message = await this.messages.store({ channel: null, toSub: to, fromSub: user.sub, fromNickname: user.nickname, text });
    const event = toDirectEvent(message);
    try {
      const delivered = await this.presence.emitToUser(to, SERVER_EVENTS.chatMessage, event);
      // A message to oneself already reached every socket of the sender.
      if (to !== user.sub) {
        await this.presence.emitToUser(user.sub, SERVER_EVENTS.chatMessage, event);
      }
      this.logger.debug(`direct message ${message.id} from user ${JSON.stringify(user.sub)} ${delivered ? 'sent to' : 'stored for'} user ${JSON.stringify(to)}`);
    } catch (error) {
      this.logger.error(
        `failed to emit direct message ${message.id} from user ${JSON.stringify(user.sub)} to user ${JSON.stringify(to)} (socket ${socket.id})`,
        (error as Error).stack,
      );
    }
    return message;
  }

  private countChannels(socket: Socket): number {
    let count = 0;
    for (const room of socket.rooms) {
      if (room.startsWith(CHANNEL_ROOM_PREFIX)) {
        count += 1;
      }
    }
    return count;
  }

  private userOf(socket: Socket): SocketUser {
    return socket.data.user as SocketUser;
  }
}
