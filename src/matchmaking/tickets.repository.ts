import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError, userNotFound } from '../common/api-error';
import { withTransactionRetry } from '../common/transactions';
import { DatabaseService } from '../database/database.service';
import { Prisma, Ticket } from '../generated/prisma/client';

export interface EndedTicket {
  id: string;
  sub: string;
}

export interface AllocatedInstance {
  id: string;
  host: string;
  port: number;
  mode: string | null;
}

export interface MatchedTicket extends EndedTicket {
  /** Creation time of the ticket in epoch milliseconds, on this node's clock. */
  createdAtMs: number;
}

/** A set of waiting tickets locked by one matcher, and the instance they were given. */
export interface FormedMatch {
  tickets: MatchedTicket[];
  /** A ready instance taken from the pool; undefined when one must be started. */
  instance: AllocatedInstance | undefined;
}

export interface MatchRule {
  mode: string;
  playersMin: number;
  playersMax: number;
  matchWaitSeconds: number;
}

@Injectable()
export class TicketsRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Creates a waiting ticket. The user row is locked first, so two joins of one user
   * cannot both pass the one-live-ticket and not-in-a-match checks.
   */
  create(sub: string, mode: string, properties: object | undefined): Promise<Ticket> {
    return withTransactionRetry('ticket creation', () =>
      this.database.prisma.$transaction(async (tx) => {
        const users = await tx.$queryRaw<{ sub: string }[]>`SELECT sub FROM users WHERE sub = ${sub} FOR UPDATE`;
        if (users.length === 0) {
          throw userNotFound();
        }

        const live = await tx.ticket.findFirst({ where: { sub, state: { in: ['waiting', 'allocating'] } }, select: { id: true } });
        if (live) {
          throw new ApiError(HttpStatus.CONFLICT, `a ticket is already waiting: ${live.id}`);
        }
        const match = await tx.instance.findFirst({ where: { state: 'allocated', players: { has: sub } }, select: { id: true } });
        if (match) {
          throw new ApiError(HttpStatus.CONFLICT, `already in a match: instance ${match.id}`);
        }

        return tx.ticket.create({ data: { sub, mode, properties: (properties as Prisma.InputJsonValue) ?? Prisma.DbNull } });
      }),
    );
  }

  /** Cancels the user's waiting tickets; returns them. */
  cancelWaiting(sub: string): Promise<EndedTicket[]> {
    return this.database.prisma.$queryRaw`
      UPDATE tickets SET state = 'cancelled', reason = 'cancelled', ended_at = now()
      WHERE sub = ${sub} AND state = 'waiting'
      RETURNING id, sub`;
  }

  /**
   * Modes that have waiting tickets. It probes each mode some server plays with an indexed
   * EXISTS, because a DISTINCT over the tickets scans every waiting ticket.
   */
  async waitingModes(): Promise<string[]> {
    const rows = await this.database.prisma.$queryRaw<{ mode: string }[]>`
      SELECT m.mode FROM (SELECT DISTINCT unnest(modes) AS mode FROM servers) m
      WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.mode = m.mode AND t.state = 'waiting')`;
    return rows.map((row) => row.mode);
  }

  /**
   * Takes the oldest waiting tickets of a mode when they make a match: `playersMax` of
   * them, or at least `playersMin` once the oldest has waited `matchWaitSeconds`. Tickets
   * are locked with SKIP LOCKED, so concurrent matchers (on other nodes too) take disjoint
   * sets and no ticket matches twice. In the same transaction a ready, unallocated
   * instance of a server that plays the mode is allocated to the players, if there is one.
   */
  formMatch(rule: MatchRule): Promise<FormedMatch | undefined> {
    return withTransactionRetry('match forming', () =>
      this.database.prisma.$transaction(async (tx) => {
        const tickets = await tx.$queryRaw<{ id: string; sub: string; waited: number }[]>`
          SELECT id, sub, EXTRACT(EPOCH FROM now() - created_at)::float8 AS waited FROM tickets
          WHERE mode = ${rule.mode} AND state = 'waiting'
          ORDER BY created_at, id
          LIMIT ${rule.playersMax}
          FOR UPDATE SKIP LOCKED`;

        const full = tickets.length >= rule.playersMax;
        const waitedEnough = tickets.length >= rule.playersMin && tickets[0].waited >= rule.matchWaitSeconds;
        if (!full && !waitedEnough) {
          return undefined;
        }

        const subs = tickets.map((ticket) => ticket.sub);
        const [instance] = await tx.$queryRaw<AllocatedInstance[]>`
          UPDATE instances SET state = 'allocated', players = ${subs}, mode = ${rule.mode}
          WHERE id = (
            SELECT i.id FROM instances i JOIN servers s ON s.id = i.server_id
            WHERE ${rule.mode} = ANY(s.modes) AND i.state = 'ready' AND cardinality(i.players) = 0
            ORDER BY i.ready_at
            LIMIT 1
            FOR UPDATE OF i SKIP LOCKED)
          RETURNING id, host, port, mode`;

        const ids = tickets.map((ticket) => ticket.id);
        await tx.ticket.updateMany({
          where: { id: { in: ids } },
          data: instance ? { state: 'matched', instanceId: instance.id, endedAt: new Date() } : { state: 'allocating' },
        });
        // Derived from the wait the database measured, so clock skew between this node and
        // the database does not distort the match wait metric.
        const now = Date.now();
        return { tickets: tickets.map(({ id, sub, waited }) => ({ id, sub, createdAtMs: now - waited * 1000 })), instance };
      }),
    );
  }

  async markMatched(ticketIds: string[], instanceId: string): Promise<void> {
    await this.database.prisma.ticket.updateMany({
      where: { id: { in: ticketIds }, state: 'allocating' },
      data: { state: 'matched', instanceId, endedAt: new Date() },
    });
  }

  async fail(ticketIds: string[], reason: string): Promise<void> {
    await this.database.prisma.ticket.updateMany({
      where: { id: { in: ticketIds }, state: { in: ['waiting', 'allocating'] } },
      data: { state: 'failed', reason, endedAt: new Date() },
    });
  }

  /**
   * Fails waiting tickets older than the shortest ticket timeout of the servers that play
   * their mode, and those whose mode no server plays any more. Returns them with reasons.
   */
  failExpired(): Promise<(EndedTicket & { reason: string })[]> {
    return this.database.prisma.$queryRaw`
      WITH limits AS (
        SELECT t.id, (SELECT min(s.ticket_timeout_seconds) FROM servers s WHERE t.mode = ANY(s.modes)) AS timeout
        FROM tickets t WHERE t.state = 'waiting'
      )
      UPDATE tickets t SET state = 'failed', ended_at = now(),
        reason = CASE WHEN l.timeout IS NULL THEN 'no server plays this mode' ELSE 'timeout' END
      FROM limits l
      WHERE t.id = l.id AND (l.timeout IS NULL OR t.created_at < now() - make_interval(secs => l.timeout))
      RETURNING t.id, t.sub, t.reason`;
  }

  /** Fails tickets left allocating by a node that died while starting their instance. */
  failStuckAllocations(olderThanSeconds: number): Promise<EndedTicket[]> {
    return this.database.prisma.$queryRaw`
      UPDATE tickets SET state = 'failed', reason = 'no capacity: the instance was not started', ended_at = now()
      WHERE state = 'allocating' AND updated_at < now() - make_interval(secs => ${olderThanSeconds})
      RETURNING id, sub`;
  }
}
