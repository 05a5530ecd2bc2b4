import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ChatRepository } from './chat.repository';

/** Messages kept per channel; older ones are deleted by the next sweep. */
export const CHAT_CHANNEL_HISTORY_LIMIT = 1000;
export const CHAT_PRUNE_INTERVAL_MS = 60_000;

/**
 * Bounds each channel's stored history with a periodic sweep rather than on every insert,
 * so a channel may briefly hold more than the limit. Direct messages are never pruned.
 */
@Injectable()
export class ChatHistoryPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ChatHistoryPruner.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly messages: ChatRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), CHAT_PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Waits for a running sweep, because the database disconnects right after this hook. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs one sweep, or joins the one already running. Errors are logged, not thrown. */
  sweep(): Promise<void> {
    this.running ??= this.prune().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async prune(): Promise<void> {
    try {
      const deleted = await this.messages.pruneChannels(CHAT_CHANNEL_HISTORY_LIMIT);
      if (deleted > 0) {
        this.logger.debug(`deleted ${deleted} chat message(s) beyond the newest ${CHAT_CHANNEL_HISTORY_LIMIT} of their channel`);
      }
    } catch (error) {
      this.logger.error('chat history sweep failed', (error as Error).stack);
    }
  }
}
