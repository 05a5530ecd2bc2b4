import { Logger } from '@nestjs/common';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { loadConfig } from '../config/config';
import { DatabaseService } from './database.service';
import { diffMigrationsToSchema, MIGRATIONS_DIR } from './schema-engine';

const logger = new Logger('db');

/** Applies pending migrations to DATABASE_URL, or to the embedded database without it. */
async function migrate(): Promise<void> {
  const database = new DatabaseService(loadConfig());
  await database.onModuleInit();
  await database.onApplicationShutdown();
  logger.log('the database is up to date');
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the changes that
 * schema.prisma makes to the committed migrations. An in-memory database serves as the
 * shadow database, so no PostgreSQL server is needed.
 */
async function createMigration(name: string | undefined): Promise<void> {
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error('usage: npm run db:diff -- <name>, where <name> is lower_snake_case');
  }

  const shadow = await PGlite.create();
  try {
    const sql = await diffMigrationsToSchema(new PrismaPGlite(shadow));
    if (sql.trim() === '') {
      logger.log('schema.prisma matches the migrations; nothing to write');
      return;
    }

    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const folder = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'migration.sql'), sql);

    const lockPath = join(MIGRATIONS_DIR, 'migration_lock.toml');
    if (!existsSync(lockPath)) {
      writeFileSync(lockPath, '# Read by the Prisma CLI: migrations in this folder target PostgreSQL.\nprovider = "postgresql"\n');
    }
    logger.log(`wrote ${folder}/migration.sql`);
  } finally {
    await shadow.close();
  }
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (command === 'migrate') {
    await migrate();
  } else if (command === 'diff') {
    await createMigration(name);
  } else {
    throw new Error('usage: node dist/database/migrate.cli.js migrate | diff <name>');
  }
}

main().catch((error: Error) => {
  logger.error(error.message);
  process.exit(1);
});
