import { Injectable, Logger } from '@nestjs/common';
import { PresenceService } from '../presence/presence.service';
import { MatchmakerService } from './matchmaker.service';
import { MatchNotifierService } from './match-notifier.service';
import { TicketsRepository } from './tickets.repository';

@Injectable()
export class MatchmakingService {
  private readonly logger = new Logger(MatchmakingService.name);

  constructor(
    private readonly tickets: TicketsRepository,
    private readonly matchmaker: MatchmakerService,
    private readonly notifier: MatchNotifierService,
    private readonly presence: PresenceService,
  ) {}

  /** Queues a ticket; the matcher runs at once so a full match forms without delay. */
  async join(sub: string, mode: string, properties: Record<string, unknown> | undefined): Promise<{ ticket: string }> {
    const ticket = await this.tickets.create(sub, mode, properties);
    this.matchmaker.trigger();
    return { ticket: ticket.id };
  }

  /** Cancels the user's waiting ticket and sends matchmaking:failed to all of the user's sockets. */
  async leave(sub: string): Promise<{ cancelled: boolean }> {
    const cancelled = await this.tickets.cancelWaiting(sub);
    await this.notifier.failed(cancelled, 'cancelled');
    return { cancelled: cancelled.length > 0 };
  }

  /**
   * Cancels the waiting tickets of a user who has no socket left on any node. The socket
   * that just closed may still be counted, so it is excluded by id.
   */
  async cancelIfOffline(sub: string, closedSocketId: string): Promise<void> {
    const remaining = await this.presence.socketIds(sub);
    if (remaining.some((id) => id !== closedSocketId)) {
      return;
    }

    const cancelled = await this.tickets.cancelWaiting(sub);
    if (cancelled.length > 0) {
      this.logger.log(`cancelled ${cancelled.length} ticket(s) of user ${JSON.stringify(sub)}: disconnected`);
    }
  }
}
