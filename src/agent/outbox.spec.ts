import { Logger } from '@nestjs/common';
import { DeliveryResult, Outbox } from './outbox';
import type { StateReport } from './protocol';

function ready(instance: string): StateReport {
  return { instance, state: 'ready' };
}

describe('Outbox', () => {
  let sent: string[];
  let results: DeliveryResult[];
  let connected: boolean;
  let outbox: Outbox;

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(() => {
    sent = [];
    results = [];
    connected = true;
    outbox = new Outbox(
      async (report) => {
        sent.push(report.instance);
        const result = results.shift() ?? 'delivered';
        if (result === 'disconnected') {
          connected = false;
        }
        return result;
      },
      () => connected,
      { initialRetryDelayMs: 10, maxRetryDelayMs: 20, maxAttempts: 3, maxEntries: 3 },
    );
  });

  afterEach(() => outbox.close());

  it('sends in order and empties', async () => {
    connected = false;
    outbox.push(ready('a'));
    outbox.push(ready('b'));
    connected = true;

    await outbox.flush();

    expect(sent).toEqual(['a', 'b']);
    expect(outbox.size).toBe(0);
  });

  it('keeps reports while disconnected', async () => {
    connected = false;
    outbox.push(ready('a'));
    await outbox.flush();

    expect(sent).toEqual([]);
    expect(outbox.reports()).toEqual([ready('a')]);
  });

  it('keeps a report whose send was cut off', async () => {
    results = ['disconnected'];
    outbox.push(ready('a'));
    await outbox.flush();

    expect(outbox.size).toBe(1);

    connected = true;
    await outbox.resume();
    expect(sent).toEqual(['a', 'a']);
    expect(outbox.size).toBe(0);
  });

  it('drops a rejected report and continues', async () => {
    results = ['rejected'];
    connected = false;
    outbox.push(ready('a'));
    outbox.push(ready('b'));
    connected = true;

    await outbox.flush();

    expect(sent).toEqual(['a', 'b']);
    expect(outbox.size).toBe(0);
  });

  it('retries with backoff, then drops', async () => {
    results = ['retry', 'retry', 'retry'];
    outbox.push(ready('a'));

    expect(await outbox.waitUntilEmpty(2000)).toBe(true);
    expect(sent).toEqual(['a', 'a', 'a']);
  });

  it('delivers after a retry', async () => {
    results = ['retry'];
    outbox.push(ready('a'));

    expect(await outbox.waitUntilEmpty(2000)).toBe(true);
    expect(sent).toEqual(['a', 'a']);
  });

  it('drops the oldest when full', () => {
    connected = false;
    for (const id of ['a', 'b', 'c', 'd']) {
      outbox.push(ready(id));
    }

    expect(outbox.reports().map((report) => report.instance)).toEqual(['b', 'c', 'd']);
  });

  it('waitUntilEmpty times out', async () => {
    connected = false;
    outbox.push(ready('a'));

    expect(await outbox.waitUntilEmpty(50)).toBe(false);
  });
});
