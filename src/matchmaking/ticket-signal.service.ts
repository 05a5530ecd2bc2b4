import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG, AppConfig } from '../config/config';
import { MatchmakerService } from './matchmaker.service';
import { TICKETS_CHANNEL, TicketsRepository } from './tickets.repository';

const RECONNECT_DELAY_MS = 1000;

/**
 * Listens on PostgreSQL for inserted tickets and starts a matcher pass at once, so a ticket
 * created on another node does not wait for the next timed pass. A tool that inserts tickets
 * itself can send the same notification. The embedded database has one node, whose joins trigger the matcher directly.
 */
@Injectable()
export class TicketSignalService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TicketSignalService.name);
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly matcher: MatchmakerService,
    private readonly tickets: TicketsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.databaseUrl) {
      await this.listen(this.config.databaseUrl);
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  /** Opens the listening connection; on failure the timed passes cover until a retry succeeds. */
  private async listen(url: string): Promise<void> {
    const client = new Client({ connectionString: url });
    client.on('notification', (message) => {
      if (message.payload !== this.tickets.nodeTag) {
        this.matcher.trigger();
      }
    });
    client.on('error', (error) => this.reconnect(client, url, error));
    client.on('end', () => this.reconnect(client, url));

    try {
      await client.connect();
      await client.query(`LISTEN ${TICKETS_CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.reconnect(client, url, error as Error);
    }
  }

  private reconnect(client: Client, url: string, error?: Error): void {
    if (this.stopped || this.retry || (this.client !== undefined && this.client !== client)) {
      return;
    }
    this.logger.warn(`ticket notifications lost${error ? `: ${error.message}` : ''}; listening again in ${RECONNECT_DELAY_MS} ms`);
    this.client = undefined;
    client.end().catch(() => undefined);

    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) {
        void this.listen(url);
      }
    }, RECONNECT_DELAY_MS);
  }
}
