import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { DatabaseService } from '../../src/database/database.service';
import { RunningApp, startApp } from '../support/app';
import { connectClient, nextEvent } from '../support/clients';
import { createTestDatabase, TestDatabase } from '../support/database';

interface Matched {
  ticket: string;
  instance: string;
  players: string[];
}

interface Ack {
  ok: boolean;
  ticket?: string;
  code?: number;
  message?: string;
}

/**
 * Match forming against a pool of ready instances written straight into the database, so
 * no game server runs: batches, the pool running out, and racing joins of one user.
 */
export function describeMatchPool(label: string, options: { embedded?: boolean } = {}): void {
  describe(`match forming on a ready pool (${label})`, () => {
    let database: TestDatabase;
    let running: RunningApp;
    let sql: DatabaseService['sql'];
    const sockets: Socket[] = [];

    const api = () => request(running.url);
    const auth = () => ({ Authorization: `Bearer ${running.key}` });

    async function player(sub: string): Promise<Socket> {
      const created = await api().post('/api/server/user').set(auth()).send({ sub, nickname: sub });
      const socket = await connectClient(running.url, { auth: { token: created.body.token } });
      sockets.push(socket);
      return socket;
    }

    /** Inserts an offline worker (so liveness leaves it alone), a server for `mode` and `size` ready instances. */
    async function seedPool(mode: string, size: number): Promise<void> {
      const [worker] = await sql.query<{ id: string }>(
        `INSERT INTO workers (id, name, host, capacity, port_min, port_max, token_hash, status)
         VALUES (gen_random_uuid(), $1::text, '127.0.0.1', 100, 1024, 2048, md5($1::text), 'offline') RETURNING id`,
        [`pool-${mode}`],
      );
      const [server] = await sql.query<{ id: string }>(
        `INSERT INTO servers (id, name, modes, command, args, players_min, players_max, match_wait_seconds, readiness, start_timeout_seconds)
         VALUES (gen_random_uuid(), $1::text, ARRAY[$2::text], '/bin/true', '{}', 2, 2, 30, '{"type":"none"}', 5) RETURNING id`,
        [`server-${mode}`, mode],
      );
      await sql.query(
        `INSERT INTO instances (id, server_id, worker_id, host, port, state, players, ready_at)
         SELECT gen_random_uuid(), $1, $2, '127.0.0.1', 1024 + g, 'ready', '{}', now() - g * interval '1 second'
         FROM generate_series(1, $3::int) g`,
        [server.id, worker.id, size],
      );
    }

    const join = (socket: Socket, mode: string): Promise<Ack> => socket.timeout(5000).emitWithAck('matchmaking:join', { mode });

    beforeAll(async () => {
      database = await createTestDatabase(options);
      running = await startApp(database, { OMNINANNY_LOCAL_WORKER: 'false' });
      sql = running.app.get(DatabaseService).sql;
    });

    afterEach(() => {
      sockets.splice(0).forEach((socket) => socket.close());
    });

    afterAll(async () => {
      await running?.close();
      await database?.drop();
    });

    it('pairs six players on three pool instances, each instance once', async () => {
      await seedPool('pooled', 3);
      const players = await Promise.all(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map(player));
      const matched = players.map((socket) => nextEvent<Matched>(socket, 'matchmaking:matched', 5000));

      const acks = await Promise.all(players.map((socket) => join(socket, 'pooled')));
      expect(acks.every((ack) => ack.ok === true && typeof ack.ticket === 'string')).toBe(true);

      const events = await Promise.all(matched);
      const instances = new Set(events.map((event) => event.instance));
      expect(instances.size).toBe(3);
      for (const event of events) {
        expect(event.players).toHaveLength(2);
        expect(events.filter((other) => other.instance === event.instance)).toHaveLength(2);
      }

      const rows = await sql.query<{ state: string; count: number }>(
        `SELECT state::text, count(*)::int AS count FROM instances WHERE mode = 'pooled' GROUP BY state`,
      );
      expect(rows).toEqual([{ state: 'allocated', count: 3 }]);
    });

    it('fails the matches the pool cannot hold when no worker can start more', async () => {
      await seedPool('scarce', 1);
      const players = await Promise.all(['s1', 's2', 's3', 's4'].map(player));
      // Listeners without timers: the test's own timeout bounds the wait.
      const outcomes = players.map(
        (socket) =>
          new Promise<string>((resolve) => {
            socket.once('matchmaking:matched', () => resolve('matched'));
            socket.once('matchmaking:failed', (event: { reason: string }) => resolve(event.reason));
          }),
      );

      for (const socket of players) {
        expect((await join(socket, 'scarce')).ok).toBe(true);
      }

      expect((await Promise.all(outcomes)).sort()).toEqual(['matched', 'matched', 'no capacity', 'no capacity']);
    });

    it('gives one ticket to a user whose sockets join at the same time', async () => {
      await seedPool('racy', 0);
      const created = await api().post('/api/server/user').set(auth()).send({ sub: 'racer', nickname: 'racer' });
      const devices = await Promise.all([1, 2, 3, 4].map(() => connectClient(running.url, { auth: { token: created.body.token } })));
      sockets.push(...devices);

      const acks = await Promise.all(devices.map((socket) => join(socket, 'racy')));

      const accepted = acks.filter((ack) => ack.ok);
      expect(accepted).toHaveLength(1);
      for (const ack of acks.filter((other) => !other.ok)) {
        expect(ack).toEqual({ ok: false, code: 409, message: `a ticket is already waiting: ${accepted[0].ticket}` });
      }
      const live = await sql.query(`SELECT id FROM tickets WHERE sub = 'racer' AND state IN ('waiting', 'allocating')`);
      expect(live).toHaveLength(1);
    });
  });
}
