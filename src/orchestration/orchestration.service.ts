import { Inject, Injectable } from '@nestjs/common';
import { HttpStatus } from '@nestjs/common';
import { ApiError, invalidBody } from '../common/api-error';
import { DeletedDto } from '../common/deleted.dto';
import { APP_CONFIG, AppConfig } from '../config/config';
import { InstanceDto } from '../instances/dto/instance.dto';
import { InstanceLauncherService } from '../instances/instance-launcher.service';
import { InstanceLifecycleService } from '../instances/instance-lifecycle.service';
import { InstanceFilter, InstancesRepository, InstanceWithRefs, toInstanceDto } from '../instances/instances.repository';
import { pollUntil } from '../instances/wait-for';
import { ServersService } from '../servers/servers.service';
import { WorkersService } from '../workers/workers.service';
import { CreateInstanceDto, DeleteInstanceDto, InstanceFilterDto, InstanceListDto } from './dto/orchestration.dto';

const SETTLED_AFTER_START = new Set(['ready', 'allocated', 'stopping', 'stopped', 'failed']);
const ENDED = new Set(['stopped', 'failed']);

export const instanceNotFound = (id: string) => new ApiError(HttpStatus.NOT_FOUND, `instance not found: ${id}`);

@Injectable()
export class OrchestrationService {
  constructor(
    private readonly servers: ServersService,
    private readonly workers: WorkersService,
    private readonly instances: InstancesRepository,
    private readonly launcher: InstanceLauncherService,
    private readonly lifecycle: InstanceLifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: CreateInstanceDto): Promise<InstanceDto> {
    const server = await this.servers.requireServer(input.server);
    if (input.mode !== undefined && !server.modes.includes(input.mode)) {
      throw invalidBody([`mode ${JSON.stringify(input.mode)} is not one of the modes of server ${server.name}: ${server.modes.join(', ')}`]);
    }
    const worker = input.worker ? await this.workers.requireWorker(input.worker) : undefined;

    const instance = await this.launcher.launch(server, { mode: input.mode ?? null, players: [], region: input.region, workerId: worker?.id });

    const timeoutMs = input.wait ? (server.startTimeoutSeconds + 5) * 1000 : 0;
    return toInstanceDto(await this.waitForState(instance.id, SETTLED_AFTER_START, timeoutMs));
  }

  async list(input: InstanceFilterDto): Promise<InstanceListDto> {
    if (input.id) {
      const instance = await this.instances.find(input.id);
      return { instances: instance ? [toInstanceDto(instance)] : [] };
    }

    const filter: InstanceFilter = { state: input.state };
    if (input.server) {
      filter.serverId = (await this.servers.requireServer(input.server)).id;
    }
    if (input.worker) {
      filter.workerId = (await this.workers.requireWorker(input.worker)).id;
    }
    const instances = await this.instances.list(filter, input.limit ?? 100);
    return { instances: instances.map(toInstanceDto) };
  }

  /** Stops an instance: SIGTERM, then SIGKILL after the grace period. */
  async delete(input: DeleteInstanceDto): Promise<DeletedDto & { instance: InstanceDto }> {
    const instance = await this.instances.find(input.id);
    if (!instance) {
      throw instanceNotFound(input.id);
    }

    if (!ENDED.has(instance.state)) {
      await this.lifecycle.stop([instance]);
    }

    const timeoutMs = input.wait ? (this.config.workers.stopGraceSeconds + 5) * 1000 : 0;
    const current = await this.waitForState(instance.id, ENDED, timeoutMs);
    return { code: 200, deleted: true, id: instance.id, instance: toInstanceDto(current) };
  }

  /** Polls the instance until its state is in `states` or timeoutMs runs out, and returns it. */
  private async waitForState(id: string, states: Set<string>, timeoutMs: number): Promise<InstanceWithRefs> {
    let latest: InstanceWithRefs | null = null;
    await pollUntil(async () => {
      latest = await this.instances.find(id);
      return !latest || states.has(latest.state) ? true : undefined;
    }, timeoutMs);

    if (!latest) {
      throw instanceNotFound(id);
    }
    return latest;
  }
}
