import { MatchmakingError } from './errors';
import type { Match, MatchFailure } from './protocol';

type Outcome = { match: Match } | { failure: MatchFailure };

/** A `join()` call waiting for the outcome of its ticket. */
export interface PendingJoin {
  readonly promise: Promise<Match>;
}

interface JoinState extends PendingJoin {
  ticket?: string;
  timer?: NodeJS.Timeout;
  resolve(match: Match): void;
  reject(error: MatchmakingError): void;
}

export type EndReason = 'cancelled' | 'closed' | 'disconnected';

const END_MESSAGES: Record<EndReason, (ticket: string) => string> = {
  cancelled: (ticket) => `matchmaking ticket ${ticket} was cancelled by leave()`,
  closed: (ticket) => `stopped waiting for matchmaking ticket ${ticket} because the client was closed`,
  disconnected: (ticket) =>
    `lost the connection while waiting for matchmaking ticket ${ticket}; its outcome may have been missed, so check me().match or call join() again after reconnecting`,
};

/**
 * Maximum number of outcomes kept while a join waits for its ticket. Outcomes of other
 * tickets (another device of the same user) also arrive, so the buffer must be bounded.
 */
const MAX_EARLY_OUTCOMES = 100;

/**
 * Pairs `matchmaking:matched` and `matchmaking:failed` events with the `join()` calls that
 * wait for them, by ticket. A join is registered before its request is sent because the
 * matcher may emit the outcome before the acknowledgement that carries the ticket arrives.
 * Outcomes received while some join has no ticket yet are kept until its ticket is known.
 */
export class MatchmakingWaits {
  private readonly joins = new Set<JoinState>();
  private readonly earlyOutcomes = new Map<string, Outcome>();

  start(): PendingJoin {
    let resolve!: (match: Match) => void;
    let reject!: (error: MatchmakingError) => void;
    const promise = new Promise<Match>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    // The promise may be rejected before join() returns it; this avoids an unhandled rejection.
    promise.catch(() => undefined);

    const join: JoinState = { promise, resolve, reject };
    this.joins.add(join);
    return join;
  }

  /** Forgets a join whose request failed, so it has no ticket to wait for. */
  abandon(pending: PendingJoin): void {
    this.joins.delete(pending as JoinState);
    this.dropEarlyOutcomesIfUnneeded();
  }

  /**
   * Waits for the outcome of the ticket. After `timeoutMs`, rejects with
   * MatchmakingError('timeout') and calls `onTimeout`, which should cancel the ticket.
   */
  wait(pending: PendingJoin, ticket: string, timeoutMs: number | undefined, onTimeout: () => void): Promise<Match> {
    const join = pending as JoinState;
    if (!this.joins.has(join)) {
      // endAll() already rejected this join before its ticket was known.
      return join.promise;
    }
    join.ticket = ticket;

    const early = this.earlyOutcomes.get(ticket);
    this.earlyOutcomes.delete(ticket);
    if (early) {
      this.settle(join, early);
    } else if (timeoutMs !== undefined) {
      join.timer = setTimeout(() => {
        this.finish(join);
        join.reject(new MatchmakingError('timeout', ticket, `timed out waiting for a match for ticket ${ticket} after ${timeoutMs} ms`));
        onTimeout();
      }, timeoutMs);
    }

    this.dropEarlyOutcomesIfUnneeded();
    return join.promise;
  }

  matched(match: Match): void {
    this.receive(match.ticket, { match });
  }

  failed(failure: MatchFailure): void {
    this.receive(failure.ticket, { failure });
  }

  /**
   * Rejects every waiting join with MatchmakingError(reason): `cancelled` after the server
   * cancelled the user's ticket, `closed` on close(), `disconnected` when the connection
   * dropped, because an outcome sent while this socket was offline is not redelivered.
   */
  endAll(reason: EndReason): void {
    for (const join of [...this.joins]) {
      this.finish(join);
      join.reject(new MatchmakingError(reason, join.ticket, END_MESSAGES[reason](join.ticket ?? '(not yet assigned)')));
    }
    this.earlyOutcomes.clear();
  }

  private receive(ticket: string, outcome: Outcome): void {
    for (const join of this.joins) {
      if (join.ticket === ticket) {
        this.settle(join, outcome);
        return;
      }
    }

    if (this.hasJoinWithoutTicket()) {
      this.earlyOutcomes.set(ticket, outcome);
      if (this.earlyOutcomes.size > MAX_EARLY_OUTCOMES) {
        this.earlyOutcomes.delete(this.earlyOutcomes.keys().next().value as string);
      }
    }
  }

  private settle(join: JoinState, outcome: Outcome): void {
    this.finish(join);
    if ('match' in outcome) {
      join.resolve(outcome.match);
    } else {
      join.reject(new MatchmakingError(outcome.failure.reason, outcome.failure.ticket));
    }
  }

  private finish(join: JoinState): void {
    clearTimeout(join.timer);
    this.joins.delete(join);
  }

  private hasJoinWithoutTicket(): boolean {
    for (const join of this.joins) {
      if (join.ticket === undefined) {
        return true;
      }
    }
    return false;
  }

  private dropEarlyOutcomesIfUnneeded(): void {
    if (!this.hasJoinWithoutTicket()) {
      this.earlyOutcomes.clear();
    }
  }
}
