import { Injectable, Logger } from '@nestjs/common';
import { SERVER_EVENTS } from '../gateway/client-events';
import { MetricsService } from '../metrics/metrics.service';
import { PresenceService } from '../presence/presence.service';
import { MatchedEvent, MatchFailedEvent } from './dto/matchmaking.dto';
import { AllocatedInstance, MatchedTicket } from './matches.repository';
import { EndedTicket } from './tickets.repository';

/** Sends match results to every socket of every player, on whichever node it is. */
@Injectable()
export class MatchNotifierService {
  private readonly logger = new Logger(MatchNotifierService.name);

  constructor(
    private readonly presence: PresenceService,
    private readonly metrics: MetricsService,
  ) {}

  async matched(tickets: MatchedTicket[], instance: AllocatedInstance, mode: string): Promise<void> {
    const now = Date.now();
    for (const ticket of tickets) {
      this.metrics.matchWait.observe(Math.max(0, now - ticket.createdAtMs) / 1000);
    }

    const players = tickets.map((ticket) => ticket.sub);
    await Promise.all(
      tickets.map((ticket) => {
        const event: MatchedEvent = { ticket: ticket.id, mode, host: instance.host, port: instance.port, instance: instance.id, players };
        return this.send(ticket.sub, SERVER_EVENTS.matchmakingMatched, event);
      }),
    );
  }

  async failed(tickets: EndedTicket[], reason: string): Promise<void> {
    await Promise.all(
      tickets.map((ticket) => {
        const event: MatchFailedEvent = { ticket: ticket.id, reason };
        return this.send(ticket.sub, SERVER_EVENTS.matchmakingFailed, event);
      }),
    );
  }

  private async send(sub: string, event: string, payload: object): Promise<void> {
    try {
      await this.presence.emitToUser(sub, event, payload);
    } catch (error) {
      this.logger.error(`could not send ${event} to user ${JSON.stringify(sub)}`, (error as Error).stack);
    }
  }
}
