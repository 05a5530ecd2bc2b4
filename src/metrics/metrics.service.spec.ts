import { Logger } from '@nestjs/common';
import type { DatabaseService } from '../database/database.service';
import { MatchNotifierService } from '../matchmaking/match-notifier.service';
import type { PresenceService } from '../presence/presence.service';
import { MetricsService } from './metrics.service';

function metricsWith(countWaiting: () => Promise<number>): MetricsService {
  const groupBy = async () => [];
  const database = { prisma: { ticket: { count: countWaiting }, instance: { groupBy }, worker: { groupBy } } } as unknown as DatabaseService;
  const presence = { localSockets: () => [], emitToUser: async () => 1 } as unknown as PresenceService;
  return new MetricsService(database, presence);
}

const sample = (text: string, name: string) => text.split('\n').find((line) => line.startsWith(`${name} `));

describe('MetricsService', () => {
  it('keeps the last value on failure', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const counts = [3, new Error('connection refused')];
    const metrics = metricsWith(async () => {
      const next = counts.shift();
      if (next instanceof Error) {
        throw next;
      }
      return next!;
    });

    try {
      expect(sample(await metrics.scrape(), 'omninanny_tickets_waiting')).toBe('omninanny_tickets_waiting 3');
      expect(sample(await metrics.scrape(), 'omninanny_tickets_waiting')).toBe('omninanny_tickets_waiting 3');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection refused'));
    } finally {
      warn.mockRestore();
    }
  });

  it('observes each ticket wait', async () => {
    const metrics = metricsWith(async () => 0);
    const presence = { emitToUser: async () => 1 } as unknown as PresenceService;
    const notifier = new MatchNotifierService(presence, metrics);
    const now = Date.now();

    await notifier.matched(
      [
        { id: 't1', sub: 'a', createdAtMs: now - 3000 },
        { id: 't2', sub: 'b', createdAtMs: now - 40_000 },
      ],
      { id: 'i1', host: '127.0.0.1', port: 7000, mode: 'duel' },
      'duel',
    );
    const text = await metrics.scrape();

    expect(sample(text, 'omninanny_match_wait_seconds_count')).toBe('omninanny_match_wait_seconds_count 2');
    expect(text).toContain('omninanny_match_wait_seconds_bucket{le="5"} 1');
    expect(text).toContain('omninanny_match_wait_seconds_bucket{le="60"} 2');
  });
});
