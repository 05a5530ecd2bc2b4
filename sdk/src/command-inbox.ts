import { OmninannyError } from './errors';
import type { CommandEvent } from './protocol';

/** Number of command ids remembered for deduplication when no capacity is given. */
export const DEFAULT_REMEMBERED_COMMANDS = 1000;

export interface CommandInboxOptions {
  /** Acknowledge persisted commands once every listener has finished. */
  autoAck: boolean;
  /** Number of recent command ids remembered; a duplicate of an older one is delivered again. */
  capacity?: number;
  /** Calls the `command` listeners and returns their results, which may be promises. */
  dispatch(command: CommandEvent): unknown[];
  /** Sends `command:ack`, rejecting when the server does not confirm it. */
  acknowledge(id: string): Promise<void>;
  reportError(error: Error): void;
}

/**
 * Processing state of a command id. A persisted command is redelivered on every connection
 * until it is acknowledged, and the server may also send it twice around a connect, so the
 * state decides whether a repeated id needs anything.
 */
type CommandState = 'handling' | 'handled' | 'acknowledging' | 'acknowledged' | 'ackFailed';

/**
 * Delivers each command id to the listeners once and acknowledges persisted commands.
 *
 * A listener that throws or rejects leaves the command unacknowledged and removes its id from
 * the remembered ids, so the server's next redelivery reaches the listeners again. A failed acknowledgement is
 * retried, without calling the listeners, when the server redelivers the command.
 */
export class CommandInbox {
  private readonly states = new Map<string, CommandState>();
  private readonly capacity: number;

  constructor(private readonly options: CommandInboxOptions) {
    this.capacity = options.capacity ?? DEFAULT_REMEMBERED_COMMANDS;
  }

  receive(command: CommandEvent): void {
    const state = this.states.get(command.id);
    if (state === undefined) {
      this.remember(command.id, 'handling');
      void this.handle(command);
    } else if (state === 'ackFailed' && this.shouldAcknowledge(command)) {
      void this.acknowledge(command.id);
    }
  }

  private async handle(command: CommandEvent): Promise<void> {
    try {
      await Promise.all(this.options.dispatch(command));
    } catch (error) {
      this.states.delete(command.id);
      this.options.reportError(
        new Error(`a command listener failed on command ${command.id} (${command.title}): ${describe(error)}`, { cause: error }),
      );
      return;
    }

    if (this.shouldAcknowledge(command)) {
      await this.acknowledge(command.id);
    } else {
      this.remember(command.id, 'handled');
    }
  }

  private async acknowledge(id: string): Promise<void> {
    this.remember(id, 'acknowledging');
    try {
      await this.options.acknowledge(id);
      this.remember(id, 'acknowledged');
    } catch (error) {
      this.remember(id, 'ackFailed');
      const code = error instanceof OmninannyError ? error.code : 500;
      const failure = new OmninannyError(
        code,
        `could not acknowledge command ${id}: ${describe(error)}; the server will deliver it again on the next connection`,
      );
      failure.cause = error;
      this.options.reportError(failure);
    }
  }

  private shouldAcknowledge(command: CommandEvent): boolean {
    return this.options.autoAck && command.persisted === true;
  }

  /** Stores the state as the newest entry and evicts the oldest ids beyond the capacity. */
  private remember(id: string, state: CommandState): void {
    this.states.delete(id);
    this.states.set(id, state);
    while (this.states.size > this.capacity) {
      const oldest = this.states.keys().next().value as string;
      this.states.delete(oldest);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
