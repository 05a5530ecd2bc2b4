import { CLIENT_EVENTS, type ChatHistoryRequest, type ChatMessage, type ChatSent } from './protocol';
import type { Requester } from './requests';

/**
 * Chat requests of a client. Incoming messages arrive as the client's `chat` event.
 *
 * The server keeps channel membership per socket, so a reconnected socket has no channels.
 * The client therefore remembers the channels joined here and joins them again after each
 * reconnection.
 */
export class ChatApi {
  private readonly channels = new Set<string>();

  constructor(private readonly request: Requester) {}

  /** Subscribes this connection to the channel's `chat:message` events; needed before send() and history(). */
  async join(channel: string): Promise<void> {
    await this.request(CLIENT_EVENTS.chatJoin, { channel });
    this.channels.add(channel);
  }

  async leave(channel: string): Promise<void> {
    this.channels.delete(channel);
    await this.request(CLIENT_EVENTS.chatLeave, { channel });
  }

  /** Channels joined with join() and not left since. */
  get joinedChannels(): string[] {
    return [...this.channels];
  }

  /** Sends a message to a channel. The text must be 1 to 1,000 characters. */
  async send(channel: string, text: string): Promise<ChatSent> {
    const { id, sent_at } = await this.request<ChatSent>(CLIENT_EVENTS.chatSend, { channel, text });
    return { id, sent_at };
  }

  /** Sends a direct message to the user with this sub. The text must be 1 to 1,000 characters. */
  async sendTo(sub: string, text: string): Promise<ChatSent> {
    const { id, sent_at } = await this.request<ChatSent>(CLIENT_EVENTS.chatSend, { to: sub, text });
    return { id, sent_at };
  }

  /** Returns the channel's latest messages, oldest first; `limit` is 1 to 100 and defaults to 50 on the server. */
  async history(channel: string, limit?: number): Promise<ChatMessage[]> {
    const payload: ChatHistoryRequest = limit === undefined ? { channel } : { channel, limit };
    const { messages } = await this.request<{ messages: ChatMessage[] }>(CLIENT_EVENTS.chatHistory, payload);
    return messages;
  }

  /** Joins every remembered channel again and returns the errors of the joins that failed. */
  async rejoinChannels(): Promise<Error[]> {
    const channels = this.joinedChannels;
    const results = await Promise.allSettled(channels.map((channel) => this.request(CLIENT_EVENTS.chatJoin, { channel })));
    return results.flatMap((result, index) => {
      if (result.status === 'fulfilled') {
        return [];
      }
      const reason = result.reason as Error;
      return [new Error(`could not join chat channel ${channels[index]} again after reconnecting: ${reason.message}`, { cause: reason })];
    });
  }
}
