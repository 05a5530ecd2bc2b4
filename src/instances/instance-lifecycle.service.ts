import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { Instance } from '../generated/prisma/client';
import { HelloPayload, StateReport } from '../agent/protocol';
import { AgentLinkService } from './agent-link.service';
import { InstancesRepository } from './instances.repository';

// A start request may still be on its way to the agent when the agent sends its hello, so
// such young instances are not failed for being absent from its report.
const START_IN_FLIGHT_MS = 20_000;

/** Applies agent reports to instances and stops instances through their agents. */
@Injectable()
export class InstanceLifecycleService {
  private readonly logger = new Logger(InstanceLifecycleService.name);

  constructor(
    private readonly instances: InstancesRepository,
    private readonly agents: AgentLinkService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async applyReport(workerId: string, report: StateReport): Promise<void> {
    if (report.state === 'ready') {
      await this.instances.markReady(report.instance, workerId);
      return;
    }

    const instance = await this.instances.find(report.instance);
    if (!instance || instance.workerId !== workerId) {
      this.logger.warn(`worker ${workerId} reported unknown instance ${report.instance}`);
      return;
    }

    const stopped = report.state === 'exited' && (report.requested || instance.state === 'stopping' || report.exit_code === 0);
    const ended = await this.instances.end(
      report.instance,
      { state: stopped ? 'stopped' : 'failed', reason: report.reason, exitCode: report.exit_code },
      workerId,
    );
    if (ended) {
      this.logger.log(`instance ${report.instance} ${stopped ? 'stopped' : 'failed'}: ${report.reason}`);
    }
  }

  /**
   * Compares what an agent runs with what the database counts live on its worker. Live
   * instances the agent no longer runs fail; processes of ended or unknown instances are
   * returned so the agent stops them.
   */
  async reconcile(workerId: string, hello: HelloPayload): Promise<string[]> {
    const live = await this.instances.liveOnWorker(workerId);
    const reported = new Map(hello.instances.map((entry) => [entry.instance, entry]));
    const liveIds = new Set(live.map((instance) => instance.id));

    for (const instance of live) {
      const entry = reported.get(instance.id);
      const young = Date.now() - instance.createdAt.getTime() < START_IN_FLIGHT_MS;

      if (!entry && !(young && instance.state === 'scheduled')) {
        await this.instances.end(instance.id, { state: 'failed', reason: 'process lost: the worker agent no longer runs it' }, workerId);
      } else if (entry?.state === 'ready') {
        await this.instances.markReady(instance.id, workerId);
      }
    }

    const stopping = new Set(live.filter((instance) => instance.state === 'stopping').map((instance) => instance.id));
    const stop = hello.instances.map((entry) => entry.instance).filter((id) => !liveIds.has(id) || stopping.has(id));
    if (stop.length > 0) {
      this.logger.log(`worker ${workerId}: asking its agent to stop ${stop.length} process(es) of ended instances`);
    }
    return stop;
  }

  /**
   * Asks the agents to stop live instances (SIGTERM, then SIGKILL after the grace period).
   * An instance whose agent cannot be reached is marked stopped at once; if its process
   * still runs, the agent's next hello gets it stopped.
   */
  async stop(instances: Instance[]): Promise<void> {
    const stopping = await this.instances.markStopping(instances.map((instance) => instance.id));
    const alreadyStopping = instances.filter((instance) => instance.state === 'stopping');

    await Promise.all(
      [...stopping, ...alreadyStopping].map(async (instance) => {
        const result = await this.agents.stopInstance(instance.workerId, {
          instance: instance.id,
          grace_seconds: this.config.workers.stopGraceSeconds,
        });

        if (!result.delivered || !result.ack.ok || !result.ack.running) {
          const reason = result.delivered ? 'stopped: the process was not running' : `stopped while unreachable: ${result.message}`;
          await this.instances.end(instance.id, { state: 'stopped', reason });
        }
      }),
    );
  }
}
