import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApiError, userNotFound } from '../common/api-error';
import { DatabaseService } from '../database/database.service';

/** PostgreSQL channel notified when tickets are created, so every node's matcher runs at once. */
export const TICKETS_CHANNEL = 'omninanny_tickets';

export interface EndedTicket {
  id: string;
  sub: string;
}

interface JoinOutcome {
  playable: boolean;
  known: boolean;
  ticket: string | null;
  live: string | null;
  match: string | null;
}

@Injectable()
export class TicketsRepository {
  /** Sent with the ticket notification, so this node can ignore its own (it triggers its matcher directly). */
  readonly nodeTag = randomUUID();

  constructor(private readonly database: DatabaseService) {}

  /**
   * Creates a waiting ticket in one statement, when some server plays the mode, the user
   * exists and is neither waiting nor in a match. The unique index `tickets_one_live_per_user`
   * allows one live ticket per user. So when two joins of one user race past the checks
   * below, only one inserts, and the other reports the ticket of the first.
   */
  async create(sub: string, mode: string, properties: object | undefined): Promise<{ id: string }> {
    const [outcome] = await this.database.sql.query<JoinOutcome>(
      `WITH live AS (
         SELECT id FROM tickets WHERE sub = $1::text AND state IN ('waiting', 'allocating') LIMIT 1
       ), match AS (
         SELECT id FROM instances WHERE state = 'allocated' AND players @> ARRAY[$1::text] LIMIT 1
       ), created AS (
         INSERT INTO tickets (id, sub, mode, properties, state, created_at, updated_at)
         SELECT gen_random_uuid(), u.sub, $2::text, $3::jsonb, 'waiting', now(), now() FROM users u
         WHERE u.sub = $1::text AND NOT EXISTS (SELECT 1 FROM live) AND NOT EXISTS (SELECT 1 FROM match)
           AND EXISTS (SELECT 1 FROM servers WHERE $2::text = ANY(modes))
         ON CONFLICT (sub) WHERE state IN ('waiting', 'allocating') DO NOTHING
         RETURNING id
       ), signal AS (
         SELECT pg_notify($4::text, $5::text) FROM created
       )
       SELECT EXISTS (SELECT 1 FROM servers WHERE $2::text = ANY(modes)) AS playable,
         EXISTS (SELECT 1 FROM users WHERE sub = $1::text) AS known, (SELECT id FROM created) AS ticket,
         (SELECT id FROM live) AS live, (SELECT id FROM match) AS match, (SELECT count(*) FROM signal) AS signalled`,
      [sub, mode, properties === undefined ? null : JSON.stringify(properties), TICKETS_CHANNEL, this.nodeTag],
    );

    if (outcome.ticket) {
      return { id: outcome.ticket };
    }
    if (!outcome.playable) {
      throw new ApiError(HttpStatus.NOT_FOUND, `no server plays mode ${mode}`);
    }
    if (!outcome.known) {
      throw userNotFound();
    }
    if (outcome.match) {
      throw new ApiError(HttpStatus.CONFLICT, `already in a match: instance ${outcome.match}`);
    }
    const live = outcome.live ?? (await this.liveTicketOf(sub));
    throw new ApiError(HttpStatus.CONFLICT, `a ticket is already waiting${live ? `: ${live}` : ''}`);
  }

  /** Finds the live ticket that a concurrent join created after the insert's snapshot was taken. */
  private async liveTicketOf(sub: string): Promise<string | undefined> {
    const rows = await this.database.sql.query<{ id: string }>(`SELECT id FROM tickets WHERE sub = $1 AND state IN ('waiting', 'allocating') LIMIT 1`, [sub]);
    return rows[0]?.id;
  }

  /** Cancels the user's waiting tickets; returns them. */
  cancelWaiting(sub: string): Promise<EndedTicket[]> {
    return this.database.sql.query(
      `UPDATE tickets SET state = 'cancelled', reason = 'cancelled', ended_at = now(), updated_at = now()
       WHERE sub = $1 AND state = 'waiting'
       RETURNING id, sub`,
      [sub],
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
   * Each mode's timeout is computed once, not once per waiting ticket.
   */
  failExpired(): Promise<(EndedTicket & { reason: string })[]> {
    return this.database.sql.query(
      `WITH limits AS (
         SELECT m.mode, min(s.ticket_timeout_seconds) AS timeout
         FROM servers s CROSS JOIN LATERAL unnest(s.modes) AS m(mode) GROUP BY m.mode
       ), expired AS (
         SELECT w.id, CASE WHEN l.timeout IS NULL THEN 'no server plays this mode' ELSE 'timeout' END AS reason
         FROM tickets w LEFT JOIN limits l ON l.mode = w.mode
         WHERE w.state = 'waiting' AND (l.timeout IS NULL OR w.created_at < now() - make_interval(secs => l.timeout))
       )
       UPDATE tickets t SET state = 'failed', reason = e.reason, ended_at = now(), updated_at = now()
       FROM expired e WHERE t.id = e.id AND t.state = 'waiting'
       RETURNING t.id, t.sub, t.reason`,
    );
  }

  /** Fails tickets left allocating by a node that died while starting their instance. */
  failStuckAllocations(olderThanSeconds: number): Promise<EndedTicket[]> {
    return this.database.prisma.$queryRaw`
      UPDATE tickets SET state = 'failed', reason = 'no capacity: the instance was not started', ended_at = now(), updated_at = now()
      WHERE state = 'allocating' AND updated_at < now() - make_interval(secs => ${olderThanSeconds})
      RETURNING id, sub`;
  }
}
