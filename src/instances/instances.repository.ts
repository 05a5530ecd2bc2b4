import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { GameServer, Instance, InstanceState, Prisma, Worker } from '../generated/prisma/client';
import { InstanceDto } from './dto/instance.dto';
import { LIVE_STATES } from './instance-states';

export type InstanceWithRefs = Instance & { server: Pick<GameServer, 'name'>; worker: Pick<Worker, 'name'> };

const WITH_REFS = { server: { select: { name: true } }, worker: { select: { name: true } } } as const;

export function toInstanceDto(instance: InstanceWithRefs): InstanceDto {
  return {
    id: instance.id,
    server: instance.server.name,
    worker: instance.worker.name,
    mode: instance.mode,
    host: instance.host,
    port: instance.port,
    state: instance.state,
    players: instance.players,
    reason: instance.reason,
    exit_code: instance.exitCode,
    created_at: instance.createdAt.toISOString(),
    ready_at: instance.readyAt?.toISOString() ?? null,
    ended_at: instance.endedAt?.toISOString() ?? null,
  };
}

export interface InstanceFilter {
  serverId?: string;
  workerId?: string;
  state?: InstanceState;
}

export interface EndInstance {
  state: 'stopped' | 'failed';
  reason: string;
  exitCode?: number | null;
}

/** Instance rows and their state transitions; placement lives in PlacementRepository. */
@Injectable()
export class InstancesRepository {
  constructor(private readonly database: DatabaseService) {}

  find(id: string): Promise<InstanceWithRefs | null> {
    return this.database.prisma.instance.findUnique({ where: { id }, include: WITH_REFS });
  }

  list(filter: InstanceFilter, limit: number): Promise<InstanceWithRefs[]> {
    return this.database.prisma.instance.findMany({
      where: { serverId: filter.serverId, workerId: filter.workerId, state: filter.state },
      include: WITH_REFS,
      orderBy: { createdAt: 'desc' },
      take: limit,
    });
  }

  /** Finds the user's current match: the allocated instance whose players include the user. */
  findMatchOf(sub: string): Promise<Instance | null> {
    return this.database.prisma.instance.findFirst({ where: { state: 'allocated', players: { has: sub } }, orderBy: { createdAt: 'desc' } });
  }

  /** Allocates a ready instance to the players of a match; returns false when it is no longer ready. */
  async allocate(id: string, players: string[], mode: string): Promise<boolean> {
    const result = await this.database.prisma.instance.updateMany({ where: { id, state: 'ready' }, data: { state: 'allocated', players, mode } });
    return result.count > 0;
  }

  liveOnWorker(workerId: string): Promise<Instance[]> {
    return this.database.prisma.instance.findMany({ where: { workerId, state: { in: LIVE_STATES } } });
  }

  liveOfServer(serverId: string): Promise<Instance[]> {
    return this.database.prisma.instance.findMany({ where: { serverId, state: { in: LIVE_STATES } } });
  }

  /** Records the pid once the agent started the process; a ready report may come first. */
  async markStarting(id: string, pid: number): Promise<void> {
    await this.database.prisma.instance.updateMany({ where: { id, state: 'scheduled' }, data: { state: 'starting', pid } });
    await this.database.prisma.instance.updateMany({ where: { id, pid: null }, data: { pid } });
  }

  async markReady(id: string, workerId: string): Promise<boolean> {
    const result = await this.database.prisma.instance.updateMany({
      where: { id, workerId, state: { in: ['scheduled', 'starting'] } },
      data: { state: 'ready', readyAt: new Date() },
    });
    return result.count > 0;
  }

  /** Moves live instances to stopping; returns those that were live. */
  async markStopping(ids: string[]): Promise<Instance[]> {
    return this.database.prisma.instance.updateManyAndReturn({
      where: { id: { in: ids }, state: { in: LIVE_STATES.filter((state) => state !== 'stopping') } },
      data: { state: 'stopping' },
    });
  }

  /** Ends a live instance; returns false when it had already ended. */
  async end(id: string, end: EndInstance, workerId?: string): Promise<boolean> {
    const result = await this.database.prisma.instance.updateMany({
      where: { id, workerId, state: { in: LIVE_STATES } },
      data: { state: end.state, reason: end.reason.slice(0, 1024), exitCode: end.exitCode ?? null, endedAt: new Date() },
    });
    return result.count > 0;
  }

  /** Fails every live instance of the given workers; returns the instances ended. */
  failOnWorkers(workerIds: string[], reason: string): Promise<Instance[]> {
    return this.database.prisma.instance.updateManyAndReturn({
      where: { workerId: { in: workerIds }, state: { in: LIVE_STATES } },
      data: { state: 'failed', reason, endedAt: new Date() },
    });
  }

  /**
   * Fails instances that stayed scheduled or starting past their server's start timeout plus
   * a margin: the agent enforces the timeout itself, so this only catches lost reports.
   */
  async failStuckStarts(marginSeconds: number): Promise<string[]> {
    const rows = await this.database.prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
      UPDATE instances AS i SET state = 'failed', reason = 'start timeout: no report from the worker agent', ended_at = now()
      FROM servers AS s
      WHERE i.server_id = s.id AND i.state IN ('scheduled', 'starting')
        AND i.created_at < now() - make_interval(secs => s.start_timeout_seconds + ${marginSeconds})
      RETURNING i.id`);
    return rows.map((row) => row.id);
  }
}
