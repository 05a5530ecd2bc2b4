import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DatabaseService } from '../database/database.service';
import { InstanceState, WorkerStatus } from '../generated/prisma/client';
import type { SocketUser } from '../gateway/socket-auth';
import { PresenceService } from '../presence/presence.service';

/**
 * Bucket bounds in seconds: fine below a second, where matches on a warm pool form, so a
 * 20 ms objective can be read off. Tickets time out after 120 s by default, and the buckets
 * reach past that.
 */
const MATCH_WAIT_BUCKETS = [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

/**
 * Owns the Prometheus registry of this application. The registry is per application, not
 * prom-client's global one, because the tests run several applications in one process.
 * Socket counts are read from Socket.IO and database counts from the database when
 * Prometheus scrapes, so they cannot drift from the truth.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();
  readonly commandsSent: Counter<'persisted'>;
  readonly matchWait: Histogram;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(
    private readonly database: DatabaseService,
    private readonly presence: PresenceService,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    const sockets: Gauge = new Gauge({
      name: 'omninanny_connected_sockets',
      help: 'Game-client sockets connected to this node',
      registers,
      collect: () => sockets.set(this.presence.localSockets().length),
    });

    const users: Gauge = new Gauge({
      name: 'omninanny_users_online',
      help: 'Distinct users with at least one socket on this node',
      registers,
      collect: () => users.set(new Set(this.presence.localSockets().map((socket) => (socket.data.user as SocketUser | undefined)?.sub)).size),
    });

    this.commandsSent = new Counter({
      name: 'omninanny_commands_sent_total',
      help: 'Commands accepted by POST /api/server/user/command, by whether they were persisted',
      labelNames: ['persisted'],
      registers,
    });

    const ticketsWaiting: Gauge = new Gauge({
      name: 'omninanny_tickets_waiting',
      help: 'Matchmaking tickets waiting for a match, across the cluster',
      registers,
      collect: () =>
        this.fromDatabase('omninanny_tickets_waiting', async () => {
          ticketsWaiting.set(await this.database.prisma.ticket.count({ where: { state: 'waiting' } }));
        }),
    });

    this.matchWait = new Histogram({
      name: 'omninanny_match_wait_seconds',
      help: 'Time from ticket creation to its match, for matches formed on this node',
      buckets: MATCH_WAIT_BUCKETS,
      registers,
    });

    const instances: Gauge<'state'> = new Gauge({
      name: 'omninanny_instances',
      help: 'Game server instances by state, across the cluster',
      labelNames: ['state'],
      registers,
      collect: () =>
        this.fromDatabase('omninanny_instances', async () => {
          const rows = await this.database.prisma.instance.groupBy({ by: ['state'], _count: { _all: true } });
          for (const state of Object.values(InstanceState)) {
            instances.set({ state }, rows.find((row) => row.state === state)?._count._all ?? 0);
          }
        }),
    });

    const workers: Gauge<'status'> = new Gauge({
      name: 'omninanny_workers',
      help: 'Registered workers by status',
      labelNames: ['status'],
      registers,
      collect: () =>
        this.fromDatabase('omninanny_workers', async () => {
          const rows = await this.database.prisma.worker.groupBy({ by: ['status'], _count: { _all: true } });
          for (const status of Object.values(WorkerStatus)) {
            workers.set({ status }, rows.find((row) => row.status === status)?._count._all ?? 0);
          }
        }),
    });

    this.httpDuration = new Histogram({
      name: 'omninanny_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
  }

  /** Renders the metrics in Prometheus' text format. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** Runs a database read and logs its failure, so the gauge keeps its last value and the scrape still succeeds. */
  private async fromDatabase(metric: string, read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (error) {
      this.logger.warn(`reading ${metric} from the database failed: ${(error as Error).message}; serving its last value until the database responds (see GET /health/ready)`);
    }
  }
}
