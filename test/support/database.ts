import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** A database of its own for one test file: PostgreSQL when configured, else embedded. */
export interface TestDatabase {
  /** undefined for the embedded database. */
  url: string | undefined;
  /** Data directory; holds the embedded database when url is undefined. */
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * The PostgreSQL server the tests use: TEST_DATABASE_URL, else DATABASE_URL. Without
 * either, tests fall back to the embedded database, so `npm test` needs no server.
 */
export function postgresAdminUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
}

async function withAdmin<T>(adminUrl: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh, empty database; `embedded: true` forces the embedded one. */
export async function createTestDatabase(options: { embedded?: boolean } = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omninanny-test-'));
  const adminUrl = options.embedded ? undefined : postgresAdminUrl();

  if (!adminUrl) {
    return { url: undefined, dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }

  const name = `omninanny_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;

  return {
    url: url.toString(),
    dataDir,
    drop: async () => {
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
