import { Injectable } from '@nestjs/common';
import { isUuid } from '../common/uuid';
import { DatabaseService } from '../database/database.service';
import { Prisma, Worker } from '../generated/prisma/client';
import { LIVE_STATES } from '../instances/instance-states';

export type WorkerWithLoad = Worker & { runningInstances: number };

export interface NewWorker {
  name: string;
  host: string;
  region: string | null;
  capacity: number;
  portMin: number;
  portMax: number;
  labels: Record<string, string>;
  tokenHash: string;
}

@Injectable()
export class WorkersRepository {
  constructor(private readonly database: DatabaseService) {}

  create(worker: NewWorker): Promise<Worker> {
    return this.database.prisma.worker.create({ data: worker });
  }

  /** Creates or updates a worker by name, e.g. the local worker on every start. */
  upsertByName(worker: NewWorker): Promise<Worker> {
    const { name, ...fields } = worker;
    return this.database.prisma.worker.upsert({ where: { name }, create: worker, update: fields });
  }

  /** Finds a worker by id or by name. */
  findByRef(ref: string): Promise<Worker | null> {
    return this.database.prisma.worker.findFirst({ where: isUuid(ref) ? { OR: [{ id: ref }, { name: ref }] } : { name: ref } });
  }

  findByTokenHash(tokenHash: string): Promise<Worker | null> {
    return this.database.prisma.worker.findUnique({ where: { tokenHash } });
  }

  async list(where: Prisma.WorkerWhereInput = {}): Promise<WorkerWithLoad[]> {
    const workers = await this.database.prisma.worker.findMany({
      where,
      orderBy: { name: 'asc' },
      include: { _count: { select: { instances: { where: { state: { in: LIVE_STATES } } } } } },
    });
    return workers.map(({ _count, ...worker }) => ({ ...worker, runningInstances: _count.instances }));
  }

  delete(id: string): Promise<Worker> {
    return this.database.prisma.worker.delete({ where: { id } });
  }

  /** Records a heartbeat; a worker that was offline comes back online, a draining one stays draining. */
  async touch(id: string, agentVersion?: string): Promise<void> {
    await this.database.prisma.$executeRaw`
      UPDATE workers SET last_seen_at = now(),
        status = CASE WHEN status = 'draining' THEN status ELSE 'online'::"WorkerStatus" END,
        agent_version = COALESCE(${agentVersion ?? null}::varchar, agent_version)
      WHERE id = ${id}::uuid`;
  }

  /**
   * Starts or ends draining. Ending it makes the worker online again only if its agent is
   * still heartbeating; otherwise it is offline until the next heartbeat.
   */
  async setDraining(id: string, draining: boolean, timeoutSeconds: number): Promise<void> {
    await this.database.prisma.$executeRaw`
      UPDATE workers SET status = CASE
        WHEN ${draining}::boolean THEN 'draining'::"WorkerStatus"
        WHEN last_seen_at > now() - make_interval(secs => ${timeoutSeconds}) THEN 'online'::"WorkerStatus"
        ELSE 'offline'::"WorkerStatus" END
      WHERE id = ${id}::uuid`;
  }

  /** Marks workers silent for longer than timeoutSeconds offline; returns them. */
  markSilentOffline(timeoutSeconds: number): Promise<{ id: string; name: string }[]> {
    return this.database.prisma.$queryRaw`
      UPDATE workers SET status = 'offline'
      WHERE status <> 'offline' AND (last_seen_at IS NULL OR last_seen_at < now() - make_interval(secs => ${timeoutSeconds}))
      RETURNING id, name`;
  }
}
