import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';

/** A message to store: exactly one of channel and toSub is set. */
export interface NewChatMessage {
  channel: string | null;
  toSub: string | null;
  fromSub: string;
  fromNickname: string;
  text: string;
}

export interface StoredChatMessage extends NewChatMessage {
  id: bigint;
  sentAt: Date;
}

const MESSAGE_FIELDS = { id: true, channel: true, toSub: true, fromSub: true, fromNickname: true, text: true, sentAt: true } as const;

@Injectable()
export class ChatRepository {
  constructor(private readonly database: DatabaseService) {}

  store(message: NewChatMessage): Promise<StoredChatMessage> {
    return this.database.prisma.chatMessage.create({ data: message, select: MESSAGE_FIELDS });
  }

  /** Returns the latest `limit` messages of a channel, oldest first. */
  async latestInChannel(channel: string, limit: number): Promise<StoredChatMessage[]> {
    const newestFirst = await this.database.prisma.chatMessage.findMany({
      where: { channel },
      orderBy: { id: 'desc' },
      take: limit,
      select: MESSAGE_FIELDS,
    });
    return newestFirst.reverse();
  }

  /**
   * Deletes, in every channel, the messages older than its newest `keep`, and returns how
   * many were deleted. Direct messages (channel NULL) are left alone. For each channel, the
   * (channel, id) index finds the newest message beyond `keep`, and the statement deletes it
   * and every older message of that channel. Several nodes may run it at once.
   */
  pruneChannels(keep: number): Promise<number> {
    return this.database.prisma.$executeRaw`
      DELETE FROM chat_messages AS message
      USING (
        SELECT channels.channel, newest_expired.id
        FROM (SELECT DISTINCT channel FROM chat_messages WHERE channel IS NOT NULL) AS channels
        CROSS JOIN LATERAL (
          SELECT id FROM chat_messages AS candidate
          WHERE candidate.channel = channels.channel
          ORDER BY candidate.id DESC
          OFFSET ${keep} LIMIT 1
        ) AS newest_expired
      ) AS expired
      WHERE message.channel = expired.channel AND message.id <= expired.id`;
  }
}
