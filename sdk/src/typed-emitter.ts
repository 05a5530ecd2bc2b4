// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listener = (...args: any[]) => unknown;

/** Map from event name to the signature of its listeners. */
export type EventMap = { [event: string]: Listener };

interface Registration {
  listener: Listener;
  once: boolean;
}

/**
 * Minimal typed event emitter. Unlike Node's EventEmitter, emitting `error` without a
 * listener does not throw, because the client emits errors from socket callbacks where a
 * throw would crash the process. `emit` returns what the listeners returned, so the caller
 * can wait for asynchronous listeners.
 */
export class TypedEmitter<Events extends EventMap> {
  private readonly registrations = new Map<keyof Events, Registration[]>();

  on<E extends keyof Events>(event: E, listener: Events[E]): this {
    return this.add(event, listener, false);
  }

  once<E extends keyof Events>(event: E, listener: Events[E]): this {
    return this.add(event, listener, true);
  }

  /** Removes one registration of the listener; removes every listener of the event when none is given. */
  off<E extends keyof Events>(event: E, listener?: Events[E]): this {
    if (!listener) {
      this.registrations.delete(event);
      return this;
    }

    const registrations = this.registrations.get(event) ?? [];
    const index = registrations.findIndex((registration) => registration.listener === listener);
    if (index >= 0) {
      registrations.splice(index, 1);
    }
    return this;
  }

  listenerCount(event: keyof Events): number {
    return this.registrations.get(event)?.length ?? 0;
  }

  /**
   * Calls the listeners of the event in registration order and returns their results. A
   * listener that throws stops the remaining ones, and the error propagates to the caller.
   */
  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): unknown[] {
    const registrations = this.registrations.get(event);
    if (!registrations || registrations.length === 0) {
      return [];
    }

    // Copy first, so that a listener that adds or removes listeners does not change this round.
    const round = [...registrations];
    for (const registration of round) {
      if (registration.once) {
        this.remove(event, registration);
      }
    }
    return round.map((registration) => registration.listener(...args));
  }

  private add<E extends keyof Events>(event: E, listener: Events[E], once: boolean): this {
    const registrations = this.registrations.get(event) ?? [];
    registrations.push({ listener, once });
    this.registrations.set(event, registrations);
    return this;
  }

  private remove(event: keyof Events, registration: Registration): void {
    const registrations = this.registrations.get(event);
    const index = registrations?.indexOf(registration) ?? -1;
    if (registrations && index >= 0) {
      registrations.splice(index, 1);
    }
  }
}
