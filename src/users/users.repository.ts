import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';

export interface UserRecord {
  sub: string;
  nickname: string;
  tokenVersion: number;
}

@Injectable()
export class UsersRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Creates the user or renames an existing one in one statement. An INSERT … ON CONFLICT
   * stays correct when many requests for one sub arrive at once, where a read-then-write
   * would race into unique violations.
   */
  async upsert(sub: string, nickname: string): Promise<UserRecord> {
    const rows = await this.database.sql.query<{ token_version: number }>(
      `INSERT INTO users (sub, nickname, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (sub) DO UPDATE SET nickname = EXCLUDED.nickname, updated_at = now()
       RETURNING token_version`,
      [sub, nickname],
    );
    return { sub, nickname, tokenVersion: rows[0].token_version };
  }

  /** Runs on every command and handshake, hence plain SQL (see Sql). */
  async find(sub: string): Promise<UserRecord | null> {
    const rows = await this.database.sql.query<UserRecord>(`SELECT sub, nickname, token_version AS "tokenVersion" FROM users WHERE sub = $1`, [sub]);
    return rows[0] ?? null;
  }

  /** Invalidates every token issued so far; returns null for an unknown user. */
  async bumpTokenVersion(sub: string): Promise<UserRecord | null> {
    const result = await this.database.prisma.user.updateManyAndReturn({
      where: { sub },
      data: { tokenVersion: { increment: 1 } },
      select: { sub: true, nickname: true, tokenVersion: true },
    });
    return result[0] ?? null;
  }
}
