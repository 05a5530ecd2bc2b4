import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/config';
import { GameServer, Instance } from '../generated/prisma/client';
import { AgentLinkService } from './agent-link.service';
import { Readiness } from '../agent/protocol';
import { InstancesRepository } from './instances.repository';
import { PlacementRepository } from './placement.repository';

/** Placements tried when agents report the chosen port taken by another process. */
const MAX_PORT_ATTEMPTS = 3;

export interface LaunchOptions {
  mode: string | null;
  players: string[];
  region?: string;
  workerId?: string;
}

/** Places a new instance of a server on a worker and sends the start request to that worker's agent. */
@Injectable()
export class InstanceLauncherService {
  private readonly logger = new Logger(InstanceLauncherService.name);

  constructor(
    private readonly placement: PlacementRepository,
    private readonly instances: InstancesRepository,
    private readonly agents: AgentLinkService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Returns the placed instance. A start the agent rejects, or cannot receive, leaves the
   * instance failed with the reason, rather than raising: the caller sees it in the state.
   */
  async launch(server: GameServer, options: LaunchOptions): Promise<Instance> {
    const excludedPorts = new Map<string, Set<number>>();

    for (let attempt = 1; ; attempt++) {
      const instance = await this.placeAndStart(server, options, excludedPorts);
      const portTaken = instance.state === 'failed' && instance.reason?.includes(`port ${instance.port} is in use`);
      if (!portTaken || attempt >= MAX_PORT_ATTEMPTS) {
        return instance;
      }

      // Another process uses the port on that machine, so place again without it.
      this.logger.warn(`port ${instance.port} of worker ${instance.workerId} is taken by another process; placing instance again`);
      const busyPorts = excludedPorts.get(instance.workerId) ?? new Set<number>();
      busyPorts.add(instance.port);
      excludedPorts.set(instance.workerId, busyPorts);
    }
  }

  private async placeAndStart(server: GameServer, options: LaunchOptions, excludedPorts: Map<string, Set<number>>): Promise<Instance> {
    const instance = await this.placement.place({
      serverId: server.id,
      serverName: server.name,
      maxInstances: server.maxInstances,
      mode: options.mode,
      players: options.players,
      region: options.region,
      workerId: options.workerId,
      workerTimeoutSeconds: this.config.workers.timeoutSeconds,
      excludedPorts,
    });
    this.logger.log(`placed instance ${instance.id} of ${server.name} on worker ${instance.workerId} port ${instance.port}`);

    const result = await this.agents.startInstance(instance.workerId, {
      instance: instance.id,
      command: server.command,
      args: server.args,
      env: server.env as Record<string, string>,
      port: instance.port,
      mode: options.mode,
      players: options.players,
      readiness: server.readiness as unknown as Readiness,
      start_timeout_seconds: server.startTimeoutSeconds,
    });

    if (result.delivered && result.ack.ok) {
      await this.instances.markStarting(instance.id, result.ack.pid);
      return instance;
    }

    const reason = result.delivered && !result.ack.ok ? result.ack.message : result.delivered ? 'the agent rejected the start' : result.message;
    this.logger.warn(`instance ${instance.id} failed to start: ${reason}`);
    const failedReason = `failed to start: ${reason}`;
    await this.instances.end(instance.id, { state: 'failed', reason: failedReason });
    return { ...instance, state: 'failed', reason: failedReason };
  }
}
