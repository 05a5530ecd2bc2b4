import { Logger } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { isObservable, type Observable } from 'rxjs';
import type { Socket } from 'socket.io';

/**
 * Socket.IO adapter whose message handlers are plain listeners. Nest's own adapter builds
 * an RxJS pipeline per handler and socket, and with a dozen handlers a connected socket
 * cost 48 KiB of memory against about 10 KiB with this adapter (docs/benchmarks.md).
 * Behaviour is the same: the handler's result goes to the acknowledgement, or is emitted
 * when it names an event, and a failing handler is logged without silencing the event.
 */
export class LeanIoAdapter extends IoAdapter {
  private readonly handlerLogger = new Logger('WebSocketHandlers');

  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        // fromEvent, which Nest's adapter uses, passes one argument alone and several as an array.
        const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
        this.run(socket, () => transform(callback(data, ack)), (response) => {
          if (response.event) {
            socket.emit(response.event as string, response.data);
          } else if (!isAckHandledManually && typeof ack === 'function') {
            (ack as (value: unknown) => void)(response);
          }
        });
      });
    }
  }

  private run(socket: Socket, handle: () => Observable<unknown>, reply: (response: Record<string, unknown>) => void): void {
    let result: Observable<unknown>;
    try {
      result = handle();
    } catch (error) {
      this.handlerLogger.error(`a handler failed on socket ${socket.id}`, (error as Error).stack);
      return;
    }
    if (!isObservable(result)) {
      return;
    }

    result.subscribe({
      next: (response) => {
        if (response !== null && response !== undefined) {
          reply(response as Record<string, unknown>);
        }
      },
      error: (error: Error) => this.handlerLogger.error(`a handler failed on socket ${socket.id}`, error.stack),
    });
  }
}
