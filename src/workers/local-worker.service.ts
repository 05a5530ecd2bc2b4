import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WorkerAgent } from '../agent/worker-agent';
import { APP_CONFIG, AppConfig, LocalWorkerConfig } from '../config/config';
import { generateWorkerToken, hashWorkerToken } from './worker-token';
import { WorkersRepository } from './workers.repository';

export const LOCAL_WORKER_NAME = 'local';

/**
 * Runs a worker agent inside the control-plane process, registered as the worker `local`,
 * so that one process can run game servers. It connects over Socket.IO on loopback like a
 * remote agent. Its token is replaced on every start, which also locks out a stale agent.
 */
@Injectable()
export class LocalWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(LocalWorkerService.name);
  private agent: WorkerAgent | undefined;

  constructor(
    private readonly workers: WorkersRepository,
    private readonly httpAdapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const local = this.config.workers.local;
    if (!local) {
      return;
    }

    // The agent connects to this process's own port, known only once listen() is done.
    const server = this.httpAdapterHost.httpAdapter.getHttpServer() as HttpServer;
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      this.start(local, port).catch((error: Error) => this.logger.error(`the local worker failed to start: ${error.message}`, error.stack));
    });
  }

  /** Stops the local game servers while the control plane can still record their exits. */
  async onModuleDestroy(): Promise<void> {
    await this.agent?.stop();
    this.agent = undefined;
  }

  private async start(local: LocalWorkerConfig, port: number): Promise<void> {
    const token = generateWorkerToken();
    await this.workers.upsertByName({
      name: LOCAL_WORKER_NAME,
      host: local.host,
      region: null,
      capacity: local.capacity,
      portMin: local.portMin,
      portMax: local.portMax,
      labels: { local: 'true' },
      tokenHash: hashWorkerToken(token),
    });

    this.agent = new WorkerAgent({
      url: `http://127.0.0.1:${port}`,
      token,
      allowedCommands: local.allowedCommands,
      stateDir: join(this.config.dataDir, 'local-agent'),
    });
    await this.agent.start();
    this.logger.log(`local worker ready: capacity ${local.capacity}, ports ${local.portMin}-${local.portMax}`);
  }
}
