import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError, invalidBody } from '../common/api-error';
import { isUniqueViolation } from '../common/prisma-errors';
import { APP_CONFIG, AppConfig } from '../config/config';
import { GameServer } from '../generated/prisma/client';
import { InstanceLifecycleService } from '../instances/instance-lifecycle.service';
import { InstancesRepository } from '../instances/instances.repository';
import { pollUntil } from '../instances/wait-for';
import { DeletedDto } from '../common/deleted.dto';
import { CreateServerDto, DeleteServerDto, ReadinessDto, ServerDto, ServerFilterDto, ServerListDto } from './dto/server.dto';
import { toServerDto } from './server-view';
import { ServersRepository } from './servers.repository';

export const serverNotFound = (ref: string) => new ApiError(HttpStatus.NOT_FOUND, `server not found: ${ref}`);

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Cross-field rules that class-validator cannot express on one property. */
function checkDefinition(input: CreateServerDto): string[] {
  const errors: string[] = [];

  if (input.players.min > input.players.max) {
    errors.push('players.min must not be greater than players.max');
  }
  for (const name of Object.keys(input.env ?? {})) {
    if (!ENV_NAME.test(name)) {
      errors.push(`env name ${JSON.stringify(name)} must be letters, digits and underscores, not starting with a digit`);
    }
  }

  const readiness = input.readiness;
  if (readiness?.type === 'log') {
    if (!readiness.pattern) {
      errors.push('readiness.pattern is required when readiness.type is log');
    } else {
      try {
        new RegExp(readiness.pattern);
      } catch {
        errors.push('readiness.pattern must be a valid regular expression');
      }
    }
  } else if (readiness?.pattern !== undefined) {
    errors.push('readiness.pattern is only allowed when readiness.type is log');
  }
  return errors;
}

@Injectable()
export class ServersService {
  private readonly logger = new Logger(ServersService.name);

  constructor(
    private readonly servers: ServersRepository,
    private readonly instances: InstancesRepository,
    private readonly lifecycle: InstanceLifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: CreateServerDto): Promise<ServerDto> {
    const errors = checkDefinition(input);
    if (errors.length > 0) {
      throw invalidBody(errors);
    }

    const readiness: ReadinessDto = input.readiness?.type === 'log' ? { type: 'log', pattern: input.readiness.pattern } : { type: input.readiness?.type ?? 'tcp' };
    let server: GameServer;
    try {
      server = await this.servers.create({
        name: input.name,
        modes: input.modes,
        command: input.command,
        args: input.args ?? [],
        env: input.env ?? {},
        playersMin: input.players.min,
        playersMax: input.players.max,
        matchWaitSeconds: input.match_wait_seconds ?? 30,
        maxInstances: input.max_instances ?? null,
        readiness: { ...readiness },
        startTimeoutSeconds: input.start_timeout_seconds ?? 30,
        ticketTimeoutSeconds: input.ticket_timeout_seconds ?? 120,
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ApiError(HttpStatus.CONFLICT, `a server named ${input.name} already exists`);
      }
      throw error;
    }

    this.logger.log(`created server ${server.name} (${server.id})`);
    return toServerDto(server);
  }

  async list(filter: ServerFilterDto): Promise<ServerListDto> {
    if (!filter.id) {
      return { servers: (await this.servers.list()).map(toServerDto) };
    }
    const server = await this.requireServer(filter.id);
    return { servers: (await this.servers.list({ id: server.id })).map(toServerDto) };
  }

  async delete(input: DeleteServerDto): Promise<DeletedDto> {
    const server = await this.requireServer(input.id);
    const live = await this.instances.liveOfServer(server.id);

    if (live.length > 0 && !input.force) {
      throw new ApiError(HttpStatus.CONFLICT, `server ${server.name} has ${live.length} live instance(s); stop them first or pass force: true`);
    }
    if (live.length > 0) {
      await this.lifecycle.stop(live);
      const timeoutMs = (this.config.workers.stopGraceSeconds + 5) * 1000;
      await pollUntil(async () => ((await this.instances.liveOfServer(server.id)).length === 0 ? true : undefined), timeoutMs);
    }

    await this.servers.delete(server.id);
    this.logger.log(`deleted server ${server.name} (${server.id})`);
    return { code: 200, deleted: true, id: server.id };
  }

  async requireServer(ref: string): Promise<GameServer> {
    const server = await this.servers.findByRef(ref);
    if (!server) {
      throw serverNotFound(ref);
    }
    return server;
  }
}
