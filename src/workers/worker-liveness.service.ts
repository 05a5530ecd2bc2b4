import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { InstancesRepository } from '../instances/instances.repository';
import { WorkersRepository } from './workers.repository';

const WORKER_LOST = 'worker lost';
// Extra seconds past a server's start timeout before the control plane gives up on a
// start the agent never reported on.
const START_REPORT_MARGIN_SECONDS = 30;

/**
 * Marks workers whose agent went silent offline and fails their live instances. Each sweep
 * is a set of single UPDATE … RETURNING statements, so several nodes may sweep at once
 * without failing an instance twice.
 */
@Injectable()
export class WorkerLivenessService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WorkerLivenessService.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly workers: WorkersRepository,
    private readonly instances: InstancesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const intervalMs = Math.max(500, (this.config.workers.heartbeatSeconds * 1000) / 2);
    this.timer = setInterval(() => void this.sweep(), intervalMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.sweeping) {
      return;
    }
    this.sweeping = true;

    try {
      const silent = await this.workers.markSilentOffline(this.config.workers.timeoutSeconds);
      if (silent.length > 0) {
        const failed = await this.instances.failOnWorkers(silent.map((worker) => worker.id), WORKER_LOST);
        for (const worker of silent) {
          this.logger.warn(`worker ${worker.name} (${worker.id}) is offline: no heartbeat for ${this.config.workers.timeoutSeconds} s`);
        }
        if (failed.length > 0) {
          this.logger.warn(`failed ${failed.length} instance(s) of offline workers: ${failed.map((instance) => instance.id).join(', ')}`);
        }
      }

      const stuck = await this.instances.failStuckStarts(START_REPORT_MARGIN_SECONDS);
      if (stuck.length > 0) {
        this.logger.warn(`failed ${stuck.length} instance(s) whose start was never reported: ${stuck.join(', ')}`);
      }
    } catch (error) {
      this.logger.error('worker liveness sweep failed', (error as Error).stack);
    } finally {
      this.sweeping = false;
    }
  }
}
