import { Injectable } from '@nestjs/common';
import { isUuid } from '../common/uuid';
import { DatabaseService } from '../database/database.service';
import { GameServer, Prisma } from '../generated/prisma/client';
import { LIVE_STATES } from '../instances/instance-states';

export type ServerWithLoad = GameServer & { runningInstances: number };

@Injectable()
export class ServersRepository {
  constructor(private readonly database: DatabaseService) {}

  create(data: Prisma.GameServerCreateInput): Promise<GameServer> {
    return this.database.prisma.gameServer.create({ data });
  }

  /** Finds a server by id or by name. */
  findByRef(ref: string): Promise<GameServer | null> {
    return this.database.prisma.gameServer.findFirst({ where: isUuid(ref) ? { OR: [{ id: ref }, { name: ref }] } : { name: ref } });
  }

  /** Servers that play a mode, oldest first. */
  findByMode(mode: string): Promise<GameServer[]> {
    return this.database.prisma.gameServer.findMany({ where: { modes: { has: mode } }, orderBy: { createdAt: 'asc' } });
  }

  async list(where: Prisma.GameServerWhereInput = {}): Promise<ServerWithLoad[]> {
    const servers = await this.database.prisma.gameServer.findMany({
      where,
      orderBy: { name: 'asc' },
      include: { _count: { select: { instances: { where: { state: { in: LIVE_STATES } } } } } },
    });
    return servers.map(({ _count, ...server }) => ({ ...server, runningInstances: _count.instances }));
  }

  delete(id: string): Promise<GameServer> {
    return this.database.prisma.gameServer.delete({ where: { id } });
  }
}
