import { Logger } from '@nestjs/common';
import type { StateReport } from './protocol';
import { waitWithTimeout } from './wait';

/**
 * Outcome of one delivery attempt: `delivered` (acknowledged ok), `rejected` (a 4xx
 * acknowledgement, which a resend would not change), `retry` (a 5xx acknowledgement, a
 * malformed one or a timeout) or `disconnected` (the connection dropped first).
 */
export type DeliveryResult = 'delivered' | 'rejected' | 'retry' | 'disconnected';

export interface OutboxLimits {
  /** Maximum reports kept; when full, the oldest is dropped. */
  maxEntries: number;
  /** Failed attempts (`retry` outcomes) after which a report is dropped. */
  maxAttempts: number;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
}

const DEFAULT_LIMITS: OutboxLimits = { maxEntries: 10_000, maxAttempts: 20, initialRetryDelayMs: 1000, maxRetryDelayMs: 30_000 };

/** Flushes requested while one runs are merged into at most this many extra rounds. */
const MAX_FLUSH_ROUNDS = 100;

interface Entry {
  report: StateReport;
  attempts: number;
}

/**
 * State reports waiting for the control plane's acknowledgement, sent one at a time in
 * the order they were added, which keeps the reports of one instance in order. A report
 * leaves the outbox when it is delivered or rejected, after maxAttempts failed attempts,
 * or when maxEntries newer reports push it out. A dropped connection keeps every report
 * for the next flush.
 */
export class Outbox {
  private readonly logger = new Logger(Outbox.name);
  private readonly entries: Entry[] = [];
  private readonly limits: OutboxLimits;
  private flushing: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs: number;
  private emptyWaiters: (() => void)[] = [];
  private flushRequested = false;

  constructor(
    private readonly deliver: (report: StateReport) => Promise<DeliveryResult>,
    private readonly canSend: () => boolean,
    limits: Partial<OutboxLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.retryDelayMs = this.limits.initialRetryDelayMs;
  }

  get size(): number {
    return this.entries.length;
  }

  reports(): StateReport[] {
    return this.entries.map((entry) => entry.report);
  }

  push(report: StateReport): void {
    if (this.entries.length >= this.limits.maxEntries) {
      const dropped = this.entries.shift() as Entry;
      this.logger.error(`outbox is full (${this.limits.maxEntries} reports); dropped the oldest: ${JSON.stringify(dropped.report)}`);
    }

    this.entries.push({ report, attempts: 0 });
    void this.flush();
  }

  /**
   * Sends the waiting reports while canSend() holds; a flush already running is reused.
   * While a retry is scheduled this does nothing, so new reports do not bypass the backoff.
   */
  flush(): Promise<void> {
    if (this.retryTimer) {
      return Promise.resolve();
    }
    if (this.flushing) {
      // The running flush may already have passed its canSend() check, so make it look again.
      this.flushRequested = true;
      return this.flushing;
    }

    this.flushing = this.sendUntilIdle().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Cancels a scheduled retry and flushes at once, for a fresh connection. */
  resume(): Promise<void> {
    this.close();
    this.retryDelayMs = this.limits.initialRetryDelayMs;
    return this.flush();
  }

  /** Resolves true once the outbox is empty, or false after timeoutMs. */
  async waitUntilEmpty(timeoutMs: number): Promise<boolean> {
    if (this.entries.length === 0) {
      return true;
    }

    const empty = new Promise<void>((resolve) => this.emptyWaiters.push(resolve));
    return waitWithTimeout(empty, timeoutMs);
  }

  /** Cancels a scheduled retry; the reports stay in the outbox. */
  close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async sendUntilIdle(): Promise<void> {
    for (let round = 0; round < MAX_FLUSH_ROUNDS; round++) {
      this.flushRequested = false;
      await this.sendAll();
      if (!this.flushRequested || this.retryTimer) {
        return;
      }
    }
  }

  private async sendAll(): Promise<void> {
    // Each pass removes a report or returns, so the count bound is only a safety net.
    const maxPasses = this.limits.maxEntries * 2;

    for (let pass = 0; pass < maxPasses && this.entries.length > 0 && this.canSend(); pass++) {
      const entry = this.entries[0];
      const result = await this.deliver(entry.report);

      if (result === 'disconnected') {
        return;
      }
      if (result === 'retry') {
        this.recordFailure(entry);
        return;
      }

      this.remove(entry);
      this.retryDelayMs = this.limits.initialRetryDelayMs;
    }
  }

  private recordFailure(entry: Entry): void {
    entry.attempts += 1;

    if (entry.attempts >= this.limits.maxAttempts) {
      this.logger.error(`dropped a state report after ${entry.attempts} failed attempts: ${JSON.stringify(entry.report)}`);
      this.remove(entry);
    }

    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.entries.length === 0) {
      return;
    }

    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, this.retryDelayMs);
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.limits.maxRetryDelayMs);
  }

  private remove(entry: Entry): void {
    const index = this.entries.indexOf(entry);
    if (index !== -1) {
      this.entries.splice(index, 1);
    }

    if (this.entries.length === 0) {
      const waiters = this.emptyWaiters;
      this.emptyWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }
}
