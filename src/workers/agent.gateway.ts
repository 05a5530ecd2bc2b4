import { Inject, Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AgentLinkService, workerRoom } from '../instances/agent-link.service';
import { HandshakeRejection, useHandshakeAuth } from '../common/handshake-auth';
import { acknowledge, AckResult } from '../common/socket-ack';
import { AGENT_NAMESPACE, INVALID_WORKER_TOKEN } from '../agent/protocol';
import { InstanceLifecycleService } from '../instances/instance-lifecycle.service';
import { parseHello, parseReport } from './agent-payloads';
import { hashWorkerToken } from './worker-token';
import { WorkersRepository } from './workers.repository';

interface AgentIdentity {
  workerId: string;
  workerName: string;
}

const invalidPayload = (event: string): AckResult => ({ ok: false, code: 400, message: `invalid ${event} payload` });

/**
 * The worker agents' endpoint, a namespace of its own so that a user token can never
 * reach it. Each agent authenticates with its worker token and joins its worker's room.
 */
@WebSocketGateway({ namespace: AGENT_NAMESPACE })
export class AgentGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(AgentGateway.name);

  constructor(
    private readonly workers: WorkersRepository,
    private readonly lifecycle: InstanceLifecycleService,
    private readonly link: AgentLinkService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(namespace: Namespace): void {
    this.link.attach(namespace);
    useHandshakeAuth(namespace, this.logger, (socket) => this.authenticate(socket));
  }

  /** Joins the worker's room, closing an older connection of the same worker (one agent per worker). */
  async handleConnection(socket: Socket): Promise<void> {
    const { workerId, workerName } = this.identity(socket);
    const room = workerRoom(workerId);

    for (const previous of await socket.nsp.in(room).fetchSockets()) {
      this.logger.warn(`worker ${workerName}: a new agent connection replaces ${previous.id}`);
      previous.disconnect(true);
    }
    await socket.join(room);
    this.logger.log(`worker ${workerName}: agent connected from ${socket.handshake.address}`);
  }

  handleDisconnect(socket: Socket): void {
    const identity = socket.data.agent as AgentIdentity | undefined;
    if (identity) {
      this.logger.log(`worker ${identity.workerName}: agent disconnected`);
    }
  }

  @SubscribeMessage('agent:hello')
  async hello(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<AckResult> {
    const hello = parseHello(payload);
    if (!hello) {
      return invalidPayload('agent:hello');
    }

    const { workerId, workerName } = this.identity(socket);
    return acknowledge(this.logger, 'agent:hello', async () => {
      await this.workers.touch(workerId, hello.version);
      const stop = await this.lifecycle.reconcile(workerId, hello);

      this.logger.log(`worker ${workerName}: agent ${hello.version} on ${hello.hostname} runs ${hello.instances.length} instance(s)`);
      return { worker: { id: workerId, name: workerName }, heartbeat_seconds: this.config.workers.heartbeatSeconds, stop };
    });
  }

  @SubscribeMessage('agent:heartbeat')
  async heartbeat(@ConnectedSocket() socket: Socket): Promise<AckResult> {
    return acknowledge(this.logger, 'agent:heartbeat', async () => {
      await this.workers.touch(this.identity(socket).workerId);
      return {};
    });
  }

  @SubscribeMessage('instance:state')
  async instanceState(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown): Promise<AckResult> {
    const report = parseReport(payload);
    if (!report) {
      return invalidPayload('instance:state');
    }

    return acknowledge(this.logger, 'instance:state', async () => {
      await this.lifecycle.applyReport(this.identity(socket).workerId, report);
      return {};
    });
  }

  private async authenticate(socket: Socket): Promise<void> {
    const token: unknown = socket.handshake.auth?.token;
    const worker = typeof token === 'string' && token.length > 0 ? await this.workers.findByTokenHash(hashWorkerToken(token)) : null;
    if (!worker) {
      throw new HandshakeRejection(INVALID_WORKER_TOKEN);
    }
    socket.data.agent = { workerId: worker.id, workerName: worker.name } satisfies AgentIdentity;
  }

  private identity(socket: Socket): AgentIdentity {
    return socket.data.agent as AgentIdentity;
  }
}
