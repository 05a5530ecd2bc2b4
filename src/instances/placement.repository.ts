import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { withTransactionRetry } from '../common/transactions';
import { DatabaseService } from '../database/database.service';
import { Instance, Prisma } from '../generated/prisma/client';
import { LIVE_STATES_SQL } from './instance-states';

export interface PlacementRequest {
  serverId: string;
  serverName: string;
  maxInstances: number | null;
  mode: string | null;
  players: string[];
  region?: string;
  workerId?: string;
  /** Workers silent for longer than this are not considered online. */
  workerTimeoutSeconds: number;
  /** Ports per worker id that an agent found taken by another process. */
  excludedPorts?: Map<string, Set<number>>;
}

interface CandidateWorker {
  id: string;
  name: string;
  host: string;
  capacity: number;
  port_min: number;
  port_max: number;
  load: number;
}

type Tx = Prisma.TransactionClient;

const LIVE = Prisma.raw(LIVE_STATES_SQL);

const noCapacity = (message: string) => new ApiError(HttpStatus.SERVICE_UNAVAILABLE, message);

/**
 * Chooses a worker and a port for a new instance. The server row and every candidate
 * worker row are locked (FOR UPDATE, in id order so concurrent placements cannot
 * deadlock), so concurrent requests never exceed a worker's capacity or a server's
 * max_instances, and never hand out one port twice.
 */
@Injectable()
export class PlacementRepository {
  constructor(private readonly database: DatabaseService) {}

  place(request: PlacementRequest): Promise<Instance> {
    return withTransactionRetry('instance placement', () =>
      this.database.prisma.$transaction((tx) => this.placeIn(tx, request), { maxWait: 10_000, timeout: 10_000 }),
    );
  }

  private async placeIn(tx: Tx, request: PlacementRequest): Promise<Instance> {
    await this.checkServerLimit(tx, request);

    const workers = await this.lockCandidates(tx, request);
    if (workers.length === 0) {
      throw noCapacity(this.describeNoWorker(request));
    }

    const byLoad = workers
      .filter((worker) => worker.load < worker.capacity)
      .sort((a, b) => a.load / a.capacity - b.load / b.capacity || a.load - b.load || a.name.localeCompare(b.name));

    for (const worker of byLoad) {
      const port = await this.freePort(tx, worker, request.excludedPorts?.get(worker.id));
      if (port !== undefined) {
        return tx.instance.create({
          data: { serverId: request.serverId, workerId: worker.id, mode: request.mode, host: worker.host, port, players: request.players },
        });
      }
    }

    throw noCapacity(`no capacity: all ${workers.length} matching online worker(s) are full (capacity or port range)`);
  }

  private async checkServerLimit(tx: Tx, request: PlacementRequest): Promise<void> {
    await tx.$queryRaw`SELECT id FROM servers WHERE id = ${request.serverId}::uuid FOR UPDATE`;
    if (request.maxInstances === null) {
      return;
    }

    const [{ count }] = await tx.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM instances WHERE server_id = ${request.serverId}::uuid AND state IN (${LIVE})`;
    if (count >= request.maxInstances) {
      throw noCapacity(`no capacity: server ${request.serverName} already runs its max_instances (${request.maxInstances})`);
    }
  }

  private async lockCandidates(tx: Tx, request: PlacementRequest): Promise<CandidateWorker[]> {
    const region = request.region ?? null;
    const workerId = request.workerId ?? null;

    const workers = await tx.$queryRaw<Omit<CandidateWorker, 'load'>[]>`
      SELECT id, name, host, capacity, port_min, port_max FROM workers
      WHERE status = 'online'
        AND last_seen_at > now() - make_interval(secs => ${request.workerTimeoutSeconds})
        AND (${region}::text IS NULL OR region = ${region}::text)
        AND (${workerId}::uuid IS NULL OR id = ${workerId}::uuid)
      ORDER BY id
      FOR UPDATE`;
    if (workers.length === 0) {
      return [];
    }

    const loads = await tx.$queryRaw<{ worker_id: string; count: number }[]>`
      SELECT worker_id, count(*)::int AS count FROM instances
      WHERE worker_id = ANY(${workers.map((worker) => worker.id)}::uuid[]) AND state IN (${LIVE})
      GROUP BY worker_id`;
    const loadOf = new Map(loads.map((row) => [row.worker_id, row.count]));
    return workers.map((worker) => ({ ...worker, load: loadOf.get(worker.id) ?? 0 }));
  }

  /** Returns the lowest port of the worker's range that no live instance uses and that is not excluded. */
  private async freePort(tx: Tx, worker: CandidateWorker, excluded?: Set<number>): Promise<number | undefined> {
    const rows = await tx.$queryRaw<{ port: number }[]>`
      SELECT port FROM instances WHERE worker_id = ${worker.id}::uuid AND state IN (${LIVE})`;
    const used = new Set([...rows.map((row) => row.port), ...(excluded ?? [])]);

    for (let port = worker.port_min; port <= worker.port_max; port++) {
      if (!used.has(port)) {
        return port;
      }
    }
    return undefined;
  }

  private describeNoWorker(request: PlacementRequest): string {
    const filters = [request.region && `region ${request.region}`, request.workerId && `worker ${request.workerId}`].filter(Boolean);
    return filters.length > 0 ? `no capacity: no online worker matches ${filters.join(' and ')}` : 'no capacity: no worker is online';
  }
}
