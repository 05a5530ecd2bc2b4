import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { APP_CONFIG, AppConfig } from '../config/config';
import { PrismaClient } from '../generated/prisma/client';
import { acquireDataDirLock } from './data-dir-lock';
import { applyMigrations } from './schema-engine';
import { pgliteSql, poolSql, Sql } from './sql';

/**
 * Owns the one Prisma client of the process. With DATABASE_URL it talks to PostgreSQL
 * through the pg driver; without it, to an embedded PGlite database in the data directory.
 * Pending migrations are applied before the first query.
 */
@Injectable()
export class DatabaseService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);
  private client: PrismaClient | undefined;
  private fastSql: Sql | undefined;
  private pool: Pool | undefined;
  private embedded: PGlite | undefined;
  private releaseLock: (() => void) | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get prisma(): PrismaClient {
    if (!this.client) {
      throw new Error('the database is not connected yet');
    }
    return this.client;
  }

  /** Plain SQL over the same connections, for the hot paths (see Sql). */
  get sql(): Sql {
    if (!this.fastSql) {
      throw new Error('the database is not connected yet');
    }
    return this.fastSql;
  }

  get isEmbedded(): boolean {
    return this.embedded !== undefined;
  }

  async onModuleInit(): Promise<void> {
    const url = this.config.databaseUrl;
    const adapter = url ? this.createPostgresAdapter(url) : await this.openEmbedded();

    const applied = url ? await this.migratePostgres(url) : await applyMigrations(adapter);
    if (applied.length > 0) {
      this.logger.log(`applied migrations: ${applied.join(', ')}`);
    }

    this.client = new PrismaClient({ adapter });
    await this.client.$connect();
    this.fastSql = this.pool ? poolSql(this.pool) : pgliteSql(this.embedded!);
  }

  /**
   * Runs after the HTTP and Socket.IO servers closed, so that other modules' shutdown hooks
   * (the local worker recording its instances' exits) can still write.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.client?.$disconnect();
    this.client = undefined;
    this.fastSql = undefined;
    await this.pool?.end();
    this.pool = undefined;

    // PGlite keeps a timer alive until it is closed, so an unclosed one blocks exit.
    await this.embedded?.close();
    this.embedded = undefined;

    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  private createPostgresAdapter(url: string): SqlMigrationAwareDriverAdapterFactory {
    this.logger.log(`using PostgreSQL at ${redactUrl(url)}`);
    // One pool for Prisma and the plain SQL of the hot paths, so they share the size limit.
    this.pool = new Pool({ connectionString: url, max: this.config.databasePoolSize });
    this.pool.on('error', (error) => this.logger.warn(`idle database connection failed: ${error.message}`));
    return new PrismaPg(this.pool);
  }

  /**
   * Migrates over a pool of its own, ended afterwards: the schema engine never disposes the
   * connections it opens, and an idle pg pool would keep the process alive.
   */
  private async migratePostgres(url: string): Promise<string[]> {
    const pool = new Pool({ connectionString: url, max: 2 });
    try {
      return await applyMigrations(new PrismaPg(pool));
    } finally {
      await pool.end();
    }
  }

  private async openEmbedded(): Promise<SqlMigrationAwareDriverAdapterFactory> {
    const folder = join(this.config.dataDir, 'pgdata');
    this.releaseLock = acquireDataDirLock(join(this.config.dataDir, 'pgdata.lock'));
    this.logger.log(`using the embedded database in ${folder} (set DATABASE_URL to use PostgreSQL)`);

    try {
      this.embedded = await PGlite.create(folder);
    } catch (error) {
      this.releaseLock();
      this.releaseLock = undefined;
      throw error;
    }
    return new PrismaPGlite(this.embedded);
  }
}

/** Removes the password from a connection string so it can be logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
