import { Injectable } from '@nestjs/common';
import { withTransactionRetry } from '../common/transactions';
import { DatabaseService } from '../database/database.service';
import { SqlRunner } from '../database/sql';
import { EndedTicket } from './tickets.repository';

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

/** Match rule of a mode, taken from the oldest server that plays it. */
export interface MatchRule {
  mode: string;
  playersMin: number;
  playersMax: number;
  matchWaitSeconds: number;
}

export interface FormedBatch {
  matches: FormedMatch[];
  /** True when the batch was full, so more waiting tickets may remain. */
  more: boolean;
}

interface WaitingTicket {
  id: string;
  /** Row address, stable while this transaction holds the row lock (see recordMatches). */
  ctid: string;
  sub: string;
  /** Seconds since the ticket was created, measured by the database. */
  waited: number;
}

/** Turns waiting tickets into matches on ready instances (see MatchmakerService). */
@Injectable()
export class MatchesRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Lists the rules of the modes that have waiting tickets. Each mode a server plays is
   * probed with an indexed EXISTS, because a DISTINCT over the tickets scans every waiting one.
   */
  waitingRules(): Promise<MatchRule[]> {
    return this.database.sql.query<MatchRule>(
      `SELECT DISTINCT ON (m.mode) m.mode, s.players_min AS "playersMin", s.players_max AS "playersMax",
         s.match_wait_seconds AS "matchWaitSeconds"
       FROM servers s CROSS JOIN LATERAL unnest(s.modes) AS m(mode)
       WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.mode = m.mode AND t.state = 'waiting')
       ORDER BY m.mode, s.created_at`,
    );
  }

  /**
   * Forms as many matches of a mode as the oldest waiting tickets allow, up to `maxTickets`
   * tickets, in one transaction: the round trips and the commit are shared by the batch.
   * Each match takes `playersMax` consecutive tickets, or at least `playersMin` once the
   * oldest of them has waited `matchWaitSeconds`. Tickets are locked with SKIP LOCKED, so
   * concurrent matchers (on other nodes too) take disjoint sets and no ticket matches
   * twice. In the same transaction each match gets a ready, unallocated instance of a
   * server that plays the mode while the pool lasts. Matches beyond the pool stay allocating.
   */
  formBatch(rule: MatchRule, maxTickets: number): Promise<FormedBatch> {
    const limit = Math.max(rule.playersMax, maxTickets - (maxTickets % rule.playersMax));

    return withTransactionRetry('match forming', () =>
      this.database.sql.transaction(async (tx) => {
        const tickets = await tx.query<WaitingTicket>(
          `SELECT id, ctid::text AS ctid, sub, EXTRACT(EPOCH FROM now() - created_at)::float8 AS waited FROM tickets
           WHERE mode = $1 AND state = 'waiting'
           ORDER BY created_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED`,
          [rule.mode, limit],
        );
        const more = tickets.length === limit;

        const groups = groupTickets(tickets, rule);
        if (groups.length === 0) {
          return { matches: [], more: false };
        }

        const instances = await allocateReady(tx, rule.mode, groups);
        await recordMatches(tx, groups, instances);

        // Derived from the wait the database measured, so clock skew between this node and
        // the database does not distort the match wait metric.
        const now = Date.now();
        const matches = groups.map((group, index) => ({
          tickets: group.map(({ id, sub, waited }) => ({ id, sub, createdAtMs: now - waited * 1000 })),
          instance: instances[index],
        }));
        return { matches, more };
      }),
    );
  }
}

/**
 * Splits tickets, oldest first, into matches of `playersMax`. A shorter last group is kept
 * only when it has `playersMin` tickets and its oldest has waited `matchWaitSeconds`.
 */
export function groupTickets<T extends { waited: number }>(tickets: T[], rule: MatchRule): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < tickets.length; start += rule.playersMax) {
    const group = tickets.slice(start, start + rule.playersMax);
    const full = group.length === rule.playersMax;
    if (full || (group.length >= rule.playersMin && group[0].waited >= rule.matchWaitSeconds)) {
      groups.push(group);
    }
  }
  return groups;
}

/**
 * Allocates up to one ready instance per group, oldest ready first, in one statement.
 * Returns the instances by group index; groups past the end of the pool get undefined.
 */
async function allocateReady(tx: SqlRunner, mode: string, groups: WaitingTicket[][]): Promise<(AllocatedInstance | undefined)[]> {
  const assignments = JSON.stringify(groups.map((group, index) => ({ n: index + 1, players: group.map((ticket) => ticket.sub) })));
  const rows = await tx.query<AllocatedInstance & { n: number }>(
    `WITH picked AS (
       SELECT id, row_number() OVER (ORDER BY ready_at)::int AS n FROM (
         SELECT i.id, i.ready_at FROM instances i
         WHERE i.state = 'ready' AND cardinality(i.players) = 0
           AND i.server_id IN (SELECT s.id FROM servers s WHERE $1 = ANY(s.modes))
         ORDER BY i.ready_at
         LIMIT $2
         FOR UPDATE OF i SKIP LOCKED) free
     ), assignments AS (
       SELECT * FROM jsonb_to_recordset($3::jsonb) AS a(n int, players text[])
     )
     UPDATE instances i SET state = 'allocated', players = a.players, mode = $1
     FROM picked p JOIN assignments a ON a.n = p.n
     WHERE i.id = p.id
     RETURNING p.n, i.id, i.host, i.port, i.mode`,
    [mode, groups.length, assignments],
  );

  const byGroup: (AllocatedInstance | undefined)[] = groups.map(() => undefined);
  for (const { n, ...instance } of rows) {
    byGroup[n - 1] = instance;
  }
  return byGroup;
}

/**
 * Marks the tickets of groups with an instance matched, and of the others allocating. The
 * rows are addressed by ctid, which stays valid while this transaction holds their locks.
 * Joined by id instead, PostgreSQL 15 hashed the whole tickets table for every batch (60 ms
 * per 1,000 tickets with 100,000 waiting), because its cost model rates index lookups above
 * a full scan.
 */
async function recordMatches(tx: SqlRunner, groups: WaitingTicket[][], instances: (AllocatedInstance | undefined)[]): Promise<void> {
  const rows: string[] = [];
  const instanceIds: (string | null)[] = [];
  groups.forEach((group, index) => {
    for (const ticket of group) {
      rows.push(ticket.ctid);
      instanceIds.push(instances[index]?.id ?? null);
    }
  });

  await tx.query(
    `UPDATE tickets t SET
       state = CASE WHEN m.instance_id IS NULL THEN 'allocating' ELSE 'matched' END::"TicketState",
       instance_id = m.instance_id,
       ended_at = CASE WHEN m.instance_id IS NULL THEN NULL ELSE now() END,
       updated_at = now()
     FROM unnest($1::tid[], $2::uuid[]) AS m(row, instance_id)
     WHERE t.ctid = m.row`,
    [rows, instanceIds],
  );
}
