'use strict';
// Load process of the token-issue scenario: keeps CONCURRENCY POST /api/server/user
// requests in flight for DURATION seconds, every request with a new sub.
// Arguments: port key concurrency durationSeconds prefix
const { emit, request, runLoad, summarize } = require('../lib');

runLoad(async () => {
  const [port, key, concurrencyArg, durationArg, prefix] = process.argv.slice(2);
  const concurrency = Number(concurrencyArg);
  const durationMs = Number(durationArg) * 1000;
  const maxRequests = 10_000_000;
  let issued = 0;
  let ok = 0;
  let failed = 0;
  const latencies = [];

  const started = performance.now();
  const deadline = started + durationMs;
  async function worker() {
    while (performance.now() < deadline && issued < maxRequests) {
      const sub = `${prefix}-${issued++}`;
      const sent = performance.now();
      try {
        const { status, body } = await request(Number(port), 'POST', '/api/server/user', { key, body: { sub, nickname: `n${sub}` } });
        if ((status === 200 || status === 201) && body && body.token) ok++;
        else failed++;
      } catch {
        failed++;
      }
      latencies.push(performance.now() - sent);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedS = (performance.now() - started) / 1000;
  emit({ type: 'result', ok, failed, elapsedS, perSecond: ok / elapsedS, latencyMs: summarize(latencies) });
  process.exit(0);
});
