import { Injectable, Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { AckError, StartRequest, StopRequest } from '../agent/protocol';

export type AgentAck<T extends object> = ({ ok: true } & T) | AckError;

/** Room that the agent socket of one worker joins. */
export const workerRoom = (workerId: string) => `worker:${workerId}`;

const ACK_TIMEOUT_MS = 15_000;

export type SendResult<T extends object> = { delivered: true; ack: AgentAck<T> } | { delivered: false; message: string };

/**
 * Sends requests to worker agents through their room on the `/agent` namespace. Through
 * the Socket.IO adapter this reaches an agent connected to any node.
 */
@Injectable()
export class AgentLinkService {
  private readonly logger = new Logger(AgentLinkService.name);
  private namespace: Namespace | undefined;

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  startInstance(workerId: string, request: StartRequest): Promise<SendResult<{ pid: number }>> {
    return this.send(workerId, 'instance:start', request);
  }

  stopInstance(workerId: string, request: StopRequest): Promise<SendResult<{ running: boolean }>> {
    return this.send(workerId, 'instance:stop', request);
  }

  /** Closes the agent connections of a deleted worker. */
  disconnectWorker(workerId: string): void {
    this.namespace?.in(workerRoom(workerId)).disconnectSockets(true);
  }

  private async send<T extends object>(workerId: string, event: string, payload: object): Promise<SendResult<T>> {
    if (!this.namespace) {
      return { delivered: false, message: 'the agent namespace is not ready' };
    }

    try {
      const acks = (await this.namespace.to(workerRoom(workerId)).timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as AgentAck<T>[];
      if (acks.length === 0) {
        return { delivered: false, message: 'the worker agent is not connected' };
      }
      return { delivered: true, ack: acks[0] };
    } catch (error) {
      this.logger.warn(`${event} to worker ${workerId} failed: ${(error as Error).message}`);
      return { delivered: false, message: 'the worker agent did not respond in time' };
    }
  }
}
