import { CommandInbox, type CommandInboxOptions } from '../src/command-inbox';
import type { CommandEvent } from '../src';

function command(id: string, persisted = true): CommandEvent {
  return { id, title: 'reward', body: null, sent_at: '2026-12-04T20:00:00.000Z', ...(persisted ? { persisted: true as const } : {}) };
}

function createInbox(overrides: Partial<CommandInboxOptions> = {}) {
  const dispatched: string[] = [];
  const acknowledged: string[] = [];
  const errors: Error[] = [];
  const inbox = new CommandInbox({
    autoAck: true,
    dispatch: (received) => {
      dispatched.push(received.id);
      return [];
    },
    acknowledge: async (id) => {
      acknowledged.push(id);
    },
    reportError: (error) => errors.push(error),
    ...overrides,
  });
  return { inbox, dispatched, acknowledged, errors };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('CommandInbox', () => {
  it('delivers each id once', async () => {
    const { inbox, dispatched, acknowledged } = createInbox();

    inbox.receive(command('a'));
    inbox.receive(command('a'));
    await flush();
    inbox.receive(command('a'));
    await flush();

    expect(dispatched).toEqual(['a']);
    expect(acknowledged).toEqual(['a']);
  });

  it('does not ack unpersisted commands', async () => {
    const { inbox, dispatched, acknowledged } = createInbox();

    inbox.receive(command('a', false));
    await flush();

    expect(dispatched).toEqual(['a']);
    expect(acknowledged).toEqual([]);
  });

  it('forgets the oldest ids beyond capacity', async () => {
    const { inbox, dispatched } = createInbox({ capacity: 2 });

    for (const id of ['a', 'b', 'c', 'a', 'c']) {
      inbox.receive(command(id));
      await flush();
    }

    expect(dispatched).toEqual(['a', 'b', 'c', 'a']);
  });

  it('reports a rejected listener', async () => {
    const { inbox, acknowledged, errors } = createInbox({ dispatch: () => [Promise.reject(new Error('inventory is full'))] });

    inbox.receive(command('a'));
    await flush();

    expect(acknowledged).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toBe('a command listener failed on command a (reward): inventory is full');
  });
});
