import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApiError } from '../common/api-error';
import { MetricsService } from '../metrics/metrics.service';
import { PresenceService } from '../presence/presence.service';
import { UsersService } from '../users/users.service';
import { CommandsRepository } from './commands.repository';
import { CommandEvent, CommandSentDto, SendCommandDto } from './dto/command.dto';

export const COMMAND_EVENT = 'command';

@Injectable()
export class CommandsService {
  constructor(
    private readonly commands: CommandsRepository,
    private readonly users: UsersService,
    private readonly presence: PresenceService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Emits a command to every socket of the user. A persisted command is stored first, so
   * it also reaches the user's next connection until the client acknowledges it.
   */
  async send(input: SendCommandDto): Promise<CommandSentDto> {
    await this.users.requireUser(input.sub);

    const event: CommandEvent = input.persist
      ? await this.commands.store(input.sub, input.title, input.body)
      : { id: randomUUID(), title: input.title, body: input.body, sent_at: new Date().toISOString() };

    const sent = await this.presence.emitToUser(input.sub, COMMAND_EVENT, event);
    this.metrics.commandsSent.inc({ persisted: String(input.persist === true) });
    const response: CommandSentDto = { code: 200, sent, sub: input.sub };
    if (input.persist) {
      response.queued = true;
    }
    return response;
  }

  /** Unacknowledged commands of the user, oldest first. */
  pending(sub: string): Promise<CommandEvent[]> {
    return this.commands.pending(sub);
  }

  async acknowledge(sub: string, id: string): Promise<void> {
    const acknowledged = await this.commands.acknowledge(sub, id);
    if (!acknowledged) {
      throw new ApiError(HttpStatus.NOT_FOUND, 'command not found');
    }
  }
}
