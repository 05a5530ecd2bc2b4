import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { Prisma } from '../generated/prisma/client';
import { CommandEvent } from './dto/command.dto';

const EVENT_FIELDS = { id: true, title: true, body: true, sentAt: true } as const;

type StoredCommand = { id: string; title: string; body: Prisma.JsonValue; sentAt: Date };

function toEvent(command: StoredCommand): CommandEvent {
  return { id: command.id, title: command.title, body: command.body, sent_at: command.sentAt.toISOString(), persisted: true };
}

/** Persisted commands: kept until the client acknowledges them. */
@Injectable()
export class CommandsRepository {
  constructor(private readonly database: DatabaseService) {}

  async store(sub: string, title: string, body: unknown): Promise<CommandEvent> {
    const command = await this.database.prisma.command.create({
      // Prisma writes a JSON null only through its JsonNull marker.
      data: { sub, title, body: body === null ? Prisma.JsonNull : (body as Prisma.InputJsonValue) },
      select: EVENT_FIELDS,
    });
    return toEvent(command);
  }

  /** Unacknowledged commands of a user, oldest first. */
  async pending(sub: string): Promise<CommandEvent[]> {
    // Plain SQL: it runs on every connection (see Sql).
    const commands = await this.database.sql.query<StoredCommand>(
      `SELECT id, title, body, sent_at AS "sentAt" FROM commands WHERE sub = $1 AND acked_at IS NULL ORDER BY seq`,
      [sub],
    );
    return commands.map(toEvent);
  }

  /** Marks a command acknowledged; returns false when the user has no such pending command. */
  async acknowledge(sub: string, id: string): Promise<boolean> {
    const result = await this.database.prisma.command.updateMany({
      where: { id, sub, ackedAt: null },
      data: { ackedAt: new Date() },
    });
    return result.count > 0;
  }
}
