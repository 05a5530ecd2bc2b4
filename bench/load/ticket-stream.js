'use strict';
// Load process of the allocation scenario's latency phase: inserts waiting tickets of a
// 2-player mode straight into the tickets table, PAIR_RATE pairs a second for DURATION
// seconds, and notifies the matchers the way the product's own join does. Users mm-1 …
// mm-<2 × pairs> must exist. Arguments: databaseUrl mode pairRate durationSeconds
const path = require('node:path');
const { ROOT, emit, runLoad, sleep } = require('../lib');
const { Client } = require(path.join(ROOT, 'node_modules', 'pg'));

const TICK_MS = 5;

runLoad(async () => {
  const [url, mode, pairRateArg, durationArg] = process.argv.slice(2);
  const pairRate = Number(pairRateArg);
  const total = Math.round(pairRate * Number(durationArg));
  const client = new Client({ connectionString: url });
  await client.connect();

  let inserted = 0;
  let lateMs = 0;
  const started = performance.now();
  while (inserted < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * pairRate));
    if (due > inserted) {
      const from = inserted * 2 + 1;
      const to = due * 2;
      await client.query(
        `WITH created AS (
           INSERT INTO tickets (id, sub, mode, state, created_at, updated_at)
           SELECT gen_random_uuid(), 'mm-' || g, $1, 'waiting', now(), now() FROM generate_series($2::int, $3::int) g
           RETURNING 1)
         SELECT pg_notify('omninanny_tickets', 'bench') FROM (SELECT count(*) FROM created) c`,
        [mode, from, to],
      );
      inserted = due;
    }
    const behind = (performance.now() - started) - (inserted / pairRate) * 1000;
    lateMs = Math.max(lateMs, behind);
    await sleep(TICK_MS);
  }
  const elapsedS = (performance.now() - started) / 1000;
  await client.end();
  emit({ type: 'result', pairs: inserted, elapsedS, offeredPairsPerSecond: inserted / elapsedS, maxLagMs: lateMs });
  process.exit(0);
});
