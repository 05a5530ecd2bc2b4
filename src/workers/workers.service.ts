import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { ApiError, invalidBody } from '../common/api-error';
import { isUniqueViolation } from '../common/prisma-errors';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Worker } from '../generated/prisma/client';
import { AgentLinkService } from '../instances/agent-link.service';
import { InstanceLifecycleService } from '../instances/instance-lifecycle.service';
import { InstancesRepository } from '../instances/instances.repository';
import { pollUntil } from '../instances/wait-for';
import { CreatedWorkerDto, CreateWorkerDto, DeleteWorkerDto, UpdateWorkerDto, WorkerDto, WorkerFilterDto, WorkerListDto } from './dto/worker.dto';
import { DeletedDto } from '../common/deleted.dto';
import { toWorkerDto } from './worker-view';
import { generateWorkerToken, hashWorkerToken } from './worker-token';
import { WorkersRepository } from './workers.repository';

export const workerNotFound = (ref: string) => new ApiError(HttpStatus.NOT_FOUND, `worker not found: ${ref}`);

@Injectable()
export class WorkersService {
  private readonly logger = new Logger(WorkersService.name);

  constructor(
    private readonly workers: WorkersRepository,
    private readonly instances: InstancesRepository,
    private readonly lifecycle: InstanceLifecycleService,
    private readonly agents: AgentLinkService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: CreateWorkerDto): Promise<CreatedWorkerDto> {
    if (input.ports.min > input.ports.max) {
      throw invalidBody(['ports.min must not be greater than ports.max']);
    }

    const token = generateWorkerToken();
    let worker: Worker;
    try {
      worker = await this.workers.create({
        name: input.name,
        host: input.host,
        region: input.region ?? null,
        capacity: input.capacity,
        portMin: input.ports.min,
        portMax: input.ports.max,
        labels: input.labels ?? {},
        tokenHash: hashWorkerToken(token),
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ApiError(HttpStatus.CONFLICT, `a worker named ${input.name} already exists`);
      }
      throw error;
    }

    this.logger.log(`created worker ${worker.name} (${worker.id})`);
    return { ...toWorkerDto(worker), token };
  }

  async list(filter: WorkerFilterDto): Promise<WorkerListDto> {
    if (!filter.id) {
      return { workers: (await this.workers.list()).map(toWorkerDto) };
    }

    const worker = await this.requireWorker(filter.id);
    return { workers: (await this.workers.list({ id: worker.id })).map(toWorkerDto) };
  }

  async update(input: UpdateWorkerDto): Promise<WorkerDto> {
    const worker = await this.requireWorker(input.id);
    await this.workers.setDraining(worker.id, input.draining, this.config.workers.timeoutSeconds);
    this.logger.log(`worker ${worker.name}: ${input.draining ? 'draining' : 'draining ended'}`);

    const [updated] = await this.workers.list({ id: worker.id });
    return toWorkerDto(updated);
  }

  async delete(input: DeleteWorkerDto): Promise<DeletedDto> {
    const worker = await this.requireWorker(input.id);
    const live = await this.instances.liveOnWorker(worker.id);

    if (live.length > 0 && !input.force) {
      throw new ApiError(HttpStatus.CONFLICT, `worker ${worker.name} has ${live.length} live instance(s); stop them first or pass force: true`);
    }
    if (live.length > 0) {
      await this.stopAll(worker);
    }

    await this.workers.delete(worker.id);
    this.agents.disconnectWorker(worker.id);
    this.logger.log(`deleted worker ${worker.name} (${worker.id})`);
    return { code: 200, deleted: true, id: worker.id };
  }

  async requireWorker(ref: string): Promise<Worker> {
    const worker = await this.workers.findByRef(ref);
    if (!worker) {
      throw workerNotFound(ref);
    }
    return worker;
  }

  /** Stops every live instance of the worker and waits, bounded by the grace period, for them to end. */
  private async stopAll(worker: Worker): Promise<void> {
    await this.lifecycle.stop(await this.instances.liveOnWorker(worker.id));

    const timeoutMs = (this.config.workers.stopGraceSeconds + 5) * 1000;
    const ended = await pollUntil(async () => ((await this.instances.liveOnWorker(worker.id)).length === 0 ? true : undefined), timeoutMs);
    if (!ended) {
      this.logger.warn(`worker ${worker.name}: instances still live ${timeoutMs} ms after the stop request; deleting anyway`);
    }
  }
}
