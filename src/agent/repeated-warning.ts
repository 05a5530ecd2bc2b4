import type { Logger } from '@nestjs/common';

/**
 * Rate-limits one kind of warning. A message is logged when it differs from the last one
 * or when intervalMs has passed since the last one was logged. Repeats in between are
 * only counted, and the next logged line includes that count.
 */
export class RepeatedWarning {
  private lastMessage: string | undefined;
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  warn(message: string): void {
    const now = Date.now();
    if (message === this.lastMessage && now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }

    const repeats = this.suppressed > 0 ? ` (${this.suppressed} repeated warnings not logged since the last one)` : '';
    this.logger.warn(`${message}${repeats}`);

    this.lastMessage = message;
    this.lastLoggedAt = now;
    this.suppressed = 0;
  }

  /** Forgets the last message, so the next warning is logged at once. */
  reset(): void {
    this.lastMessage = undefined;
    this.suppressed = 0;
  }
}
