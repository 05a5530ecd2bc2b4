import type { PGlite } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';

/** Runs one parameterised statement and returns its rows. */
export interface SqlRunner {
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
}

/**
 * Plain SQL on the driver under Prisma, sharing its connections. The hottest paths use it:
 * token issue, the user lookup of commands and handshakes, tickets and the matcher. On the
 * benchmark machine a Prisma `findUnique` cost 0.4 ms more CPU than the same query through
 * `pg`, and an interactive transaction of two statements 1.4 ms more (docs/benchmarks.md).
 */
export interface Sql extends SqlRunner {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/** Anything with pg's `query(text, values)` returning `{ rows }`: a pg pool or client, PGlite or its transaction. */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

function runnerOf(target: Queryable): SqlRunner {
  return {
    async query<T>(text: string, values?: unknown[]): Promise<T[]> {
      return (await target.query(text, values)).rows as T[];
    },
  };
}

export function poolSql(pool: Pool): Sql {
  return {
    ...runnerOf(pool),

    async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(runnerOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        broken = await rollback(client, error as Error);
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

export function pgliteSql(db: PGlite): Sql {
  return {
    ...runnerOf(db),
    transaction: (work) => db.transaction((tx) => work(runnerOf(tx))),
  };
}

/** Rolls back; returns the error to destroy the connection with when even that failed. */
async function rollback(client: PoolClient, cause: Error): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch {
    return cause;
  }
}
