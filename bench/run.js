'use strict';
// Benchmark runner: the product (dist/main.js) side by side with bench/baseline/server.js.
// Usage: node bench/run.js <scenario|all> [--name=value ...]; see docs/benchmarks.md.
// Every scenario creates a fresh PostgreSQL database and drops it, starts its servers and
// load processes as child processes, and kills all of them by pid when it ends or fails.
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const lib = require('./lib');

const SCENARIOS = ['token-issue', 'command-delivery', 'connections', 'allocation', 'matchmaking'];
const RESULTS_FILE = path.join(lib.ROOT, 'docs', 'benchmarks.md');
const RESULTS_HEADING = '## Recorded runs';

const DEFAULTS = {
  duration: 10, // seconds of each measured load phase
  concurrency: 32, // token-issue: requests in flight
  clients: 200, // command-delivery: connected sockets
  rate: 250, // command-delivery: offered commands per second, well below both servers' saturation
  inflight: 64, // command-delivery saturation: requests in flight
  connections: 10000, // connections: sockets held open
  'per-process': 5000, // connections: sockets per load process
  allocations: 5000, // allocation: matches formed from pre-created instances
  'stream-rates': '1000,2000', // allocation: allocations per second offered in the latency phase
  'stream-seconds': 5, // allocation: length of each latency phase
  tickets: 100000, // matchmaking: tickets inserted in bulk
  'mm-clients': 200, // matchmaking: real clients in the latency run
  'pair-rates': '10,50', // matchmaking: pairs of joins per second in the latency runs
  'match-timeout': 150, // seconds to wait for the bulk tickets to match
  limit: 1800, // seconds for the whole run before it stops itself
  profile: '', // a scenario name: run its servers (product and baseline) under --cpu-prof
  record: 1, // 0: do not append to docs/benchmarks.md
  rounds: 1, // token-issue and command-delivery: product/baseline pairs, alternating which goes first
};

function parseArguments(argv) {
  const options = { ...DEFAULTS };
  const positional = [];
  for (const arg of argv) {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!match) {
      positional.push(arg);
      continue;
    }
    if (!(match[1] in DEFAULTS)) throw new Error(`unknown option --${match[1]}`);
    options[match[1]] = typeof DEFAULTS[match[1]] === 'number' ? Number(match[2]) : match[2];
  }
  const scenario = positional[0] || 'all';
  if (scenario !== 'all' && !SCENARIOS.includes(scenario)) throw new Error(`unknown scenario ${scenario}; one of: all, ${SCENARIOS.join(', ')}`);
  return { scenario, options };
}

const KEY = crypto.randomBytes(24).toString('hex');
const JWT_SECRET = crypto.randomBytes(32).toString('hex');
let snapshot;
let tmpDir;

/** Creates a database, starts one server on it, runs fn, then stops the server and drops the database. */
async function withServer(kind, fn, { profile = false } = {}) {
  const database = await lib.createDatabase();
  let child;
  try {
    const port = await lib.freePort();
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      OMNINANNY_KEY: KEY,
      OMNINANNY_JWT_SECRET: JWT_SECRET,
      OMNINANNY_LOCAL_WORKER: 'false',
      OMNINANNY_DATA_DIR: path.join(tmpDir, `data-${database.name}`),
      LOG_LEVEL: 'warn',
      OMNINANNY_RATE_LIMIT_CONNECTS_PER_MINUTE: '1000000',
      OMNINANNY_RATE_LIMIT_EVENTS_PER_10S: '1000000',
      OMNINANNY_RATE_LIMIT_API_PER_MINUTE: '100000000',
      OMNINANNY_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1000000',
      REDIS_URL: '',
    };
    const log = fs.openSync(path.join(tmpDir, `${kind}-${database.name}.log`), 'a');
    const stdio = ['ignore', log, log];
    const profileArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(tmpDir, 'profiles')}`, `--cpu-prof-name=${kind}-${database.name}.cpuprofile`] : [];
    if (kind === 'product') {
      child = lib.spawnNode([...profileArgs, path.join(snapshot.dir, 'dist', 'main.js')], { cwd: snapshot.dir, env, stdio });
    } else {
      await lib.applyProductMigrations(database.name);
      child = lib.spawnNode([...profileArgs, path.join(__dirname, 'baseline', 'server.js')], { env, stdio });
    }
    fs.closeSync(log);
    await lib.waitReady(port, child);
    return await fn({ kind, port, pid: child.pid, database });
  } finally {
    if (child) await lib.stopChild(child, profile ? 15000 : 3000);
    await lib.dropDatabase(database.name);
  }
}

/** Starts a load process and returns it with its message reader. */
function startLoad(script, args, label) {
  const child = lib.spawnNode([path.join(__dirname, 'load', script), ...args.map(String)], { stdio: ['pipe', 'pipe', 'pipe'] });
  return { child, channel: lib.messages(child, label) };
}

async function runLoadOnce(script, args, label, timeoutMs) {
  const { child, channel } = startLoad(script, args, label);
  try {
    return await channel.waitFor('result', timeoutMs);
  } finally {
    await lib.stopChild(child);
  }
}

const ratio = (a, b) => (b ? a / b : NaN);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

/**
 * Measures product and baseline `rounds` times, alternating which of the pair goes first.
 * Returns each kind's runs and pick(fn), which returns the median of fn over each kind's
 * runs, the median of the per-round ratios and the per-round ratios.
 */
async function pairedRounds(options, measure) {
  const runs = { product: [], baseline: [] };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? ['product', 'baseline'] : ['baseline', 'product'];
    for (const kind of order) runs[kind].push(await measure(kind, round));
  }
  function pick(fn) {
    const ratios = runs.product.map((run, i) => ratio(fn(run), fn(runs.baseline[i])));
    return { product: median(runs.product.map(fn)), baseline: median(runs.baseline.map(fn)), ratio: median(ratios), ratios };
  }
  return { runs, pick };
}

/** Builds the table row of a paired figure, with the per-round ratios when there are several. */
function pairedRow(label, figure, digits, target, met) {
  const ratioText = figure.ratios.length > 1 ? `${fixed(figure.ratio, 2)} (rounds: ${figure.ratios.map((value) => fixed(value, 2)).join(', ')})` : fixed(figure.ratio, 2);
  let metText = '';
  if (target) metText = met(figure.ratio) ? 'yes' : 'no';
  return [label, fixed(figure.product, digits), fixed(figure.baseline, digits), ratioText, target || '', metText];
}
const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

// --- scenarios -------------------------------------------------------------------------

async function tokenIssue(options) {
  const { runs, pick } = await pairedRounds(options, (kind, round) =>
    withServer(kind, async ({ port }) => {
      await runLoadOnce('token-issue.js', [port, KEY, options.concurrency, 2, `warm-${kind}`], `${kind} warm-up`, 60000);
      return runLoadOnce('token-issue.js', [port, KEY, options.concurrency, options.duration, `tok-${kind}`], `${kind} load`, options.duration * 1000 + 60000);
    }, { profile: options.profile === 'token-issue' && round === 0 }));
  return {
    title: `token-issue: POST /api/server/user, ${options.concurrency} in flight, ${options.duration} s, a new sub per request; ${options.rounds} round(s), medians`,
    header: ['figure', 'product', 'baseline', 'product / baseline', 'target', 'met'],
    rows: [
      pairedRow('requests/s', pick((run) => run.perSecond), 0, '≥ 0.8', (value) => value >= 0.8),
      pairedRow('p50 latency (ms)', pick((run) => run.latencyMs.p50), 2),
      pairedRow('p99 latency (ms)', pick((run) => run.latencyMs.p99), 2),
      ['failed requests', runs.product.reduce((sum, run) => sum + run.failed, 0), runs.baseline.reduce((sum, run) => sum + run.failed, 0), '', '', ''],
    ],
    raw: runs,
  };
}

async function commandDelivery(options) {
  const { runs, pick } = await pairedRounds(options, (kind, round) =>
    withServer(kind, ({ port }) =>
      runLoadOnce('command-delivery.js', [port, KEY, options.clients, options.rate, options.duration, options.inflight, `cmd-${kind}`], `${kind} load`, options.duration * 2000 + 120000),
      { profile: options.profile === 'command-delivery' && round === 0 }));
  const total = (list, fn) => list.reduce((sum, run) => sum + fn(run), 0);
  return {
    title: `command-delivery: ${options.clients} connected clients; ${options.rate}/s offered for ${options.duration} s, then ${options.inflight} POSTs in flight for ${options.duration} s; ${options.rounds} round(s), medians`,
    header: ['figure', 'product', 'baseline', 'product / baseline', 'target', 'met'],
    rows: [
      pairedRow(`p50 POST→event latency at ${options.rate}/s (ms)`, pick((run) => run.fixed.latencyMs.p50), 2),
      pairedRow(`p99 POST→event latency at ${options.rate}/s (ms)`, pick((run) => run.fixed.latencyMs.p99), 2, '≤ 1.25', (value) => value <= 1.25),
      [`delivered / offered at ${options.rate}/s (all rounds)`, `${total(runs.product, (run) => run.fixed.delivered)} / ${total(runs.product, (run) => run.fixed.offered)}`, `${total(runs.baseline, (run) => run.fixed.delivered)} / ${total(runs.baseline, (run) => run.fixed.offered)}`, '', '', ''],
      pairedRow('saturation: delivered commands/s', pick((run) => run.saturation.deliveredPerSecond), 0, '≥ 0.8', (value) => value >= 0.8),
      pairedRow('saturation: p99 latency (ms)', pick((run) => run.saturation.latencyMs.p99), 2),
      ['HTTP errors (all rounds)', total(runs.product, (run) => run.fixed.httpErrors + run.saturation.httpErrors), total(runs.baseline, (run) => run.fixed.httpErrors + run.saturation.httpErrors), '', '', ''],
    ],
    raw: runs,
  };
}

async function connections(options) {
  const results = {};
  const total = options.connections;
  const processes = Math.max(1, Math.ceil(total / options['per-process']));
  for (const kind of ['product', 'baseline']) {
    results[kind] = await withServer(kind, async ({ port, pid }) => {
      const loads = [];
      try {
        for (let i = 0; i < processes; i++) {
          const count = Math.floor(total / processes) + (i < total % processes ? 1 : 0);
          loads.push(startLoad('connections.js', [port, KEY, count, `con-${kind}-${i}`], `${kind} clients ${i}`));
        }
        await Promise.all(loads.map(({ channel }) => channel.waitFor('tokens', 300000)));
        await lib.sleep(2000);
        const before = lib.rssKb(pid);
        for (const { channel } of loads) channel.send({ type: 'connect' });
        const connected = await Promise.all(loads.map(({ channel }) => channel.waitFor('connected', 330000)));
        const sockets = connected.reduce((sum, message) => sum + message.connected, 0);
        const failed = connected.reduce((sum, message) => sum + message.failed, 0);
        const elapsedS = Math.max(...connected.map((message) => message.elapsedS));
        await lib.sleep(3000);
        const after = lib.rssKb(pid);
        for (const { channel } of loads) channel.send({ type: 'close' });
        await Promise.all(loads.map(({ channel }) => channel.waitFor('closed', 30000).catch(() => undefined)));
        return { sockets, failed, elapsedS, connectsPerSecond: sockets / elapsedS, rssBeforeKb: before, rssAfterKb: after, bytesPerSocket: ((after - before) * 1024) / sockets };
      } finally {
        await Promise.all(loads.map(({ child }) => lib.stopChild(child)));
      }
    }, { profile: options.profile === 'connections' });
  }
  const { product, baseline } = results;
  const memoryRatio = ratio(product.bytesPerSocket, baseline.bytesPerSocket);
  return {
    title: `connections: ${total} authenticated WebSocket sockets from ${processes} load process(es), 100 handshakes in flight each`,
    header: ['figure', 'product', 'baseline', 'product / baseline', 'target', 'met'],
    rows: [
      ['sockets connected', product.sockets, baseline.sockets, '', '', ''],
      ['failed handshakes', product.failed, baseline.failed, '', '', ''],
      ['server RSS before (MiB)', fixed(product.rssBeforeKb / 1024), fixed(baseline.rssBeforeKb / 1024), '', '', ''],
      ['server RSS after (MiB)', fixed(product.rssAfterKb / 1024), fixed(baseline.rssAfterKb / 1024), '', '', ''],
      ['RSS per socket (KiB)', fixed(product.bytesPerSocket / 1024, 2), fixed(baseline.bytesPerSocket / 1024, 2), fixed(memoryRatio, 2), '≤ 1.2', memoryRatio <= 1.2 ? 'yes' : 'no'],
      ['connects/s', fixed(product.connectsPerSecond, 0), fixed(baseline.connectsPerSecond, 0), fixed(ratio(product.connectsPerSecond, baseline.connectsPerSecond), 2), '', ''],
    ],
    raw: results,
  };
}

/**
 * Inserts a worker, a server playing `mode` with 2 players, `instances` ready instances of
 * it, `users` users (subs mm-1, mm-2, …) and `tickets` waiting tickets for the first of
 * them, all directly in the database. The
 * worker is `offline`, so the liveness sweep leaves its instances alone. Ticket creation
 * times are spread ten to a millisecond before the insert, as arriving tickets would be.
 * Returns the insert's commit time (performance.now()).
 */
async function seedPool(client, { mode, instances, users, tickets }) {
  const worker = await client.query(
    `INSERT INTO workers (id, name, host, capacity, port_min, port_max, token_hash, status)
     VALUES (gen_random_uuid(), 'bench', '127.0.0.1', $1, 1024, 65535, $2, 'offline') RETURNING id`,
    [instances + 1, crypto.randomBytes(32).toString('hex')],
  );
  const server = await client.query(
    `INSERT INTO servers (id, name, modes, command, args, players_min, players_max, match_wait_seconds, readiness, start_timeout_seconds, ticket_timeout_seconds)
     VALUES (gen_random_uuid(), 'bench', ARRAY[$1], '/bin/true', '{}', 2, 2, 30, '{"type":"none"}', 30, 3600) RETURNING id`,
    [mode],
  );
  await client.query(
    `INSERT INTO instances (id, server_id, worker_id, host, port, state, players, ready_at)
     SELECT gen_random_uuid(), $1, $2, '127.0.0.1', 1024 + (g % 60000), 'ready', '{}', now() - g * interval '1 millisecond'
     FROM generate_series(1, $3) g`,
    [server.rows[0].id, worker.rows[0].id, instances],
  );
  if (users > 0) {
    await client.query(`INSERT INTO users (sub, nickname, updated_at) SELECT 'mm-' || g, 'n' || g, now() FROM generate_series(1, $1) g`, [users]);
  }
  await client.query('ANALYZE');
  if (tickets === 0) return undefined;
  await client.query(
    `INSERT INTO tickets (id, sub, mode, state, created_at, updated_at)
     SELECT gen_random_uuid(), 'mm-' || g, $1, 'waiting', now() - (($2 - g) / 10) * interval '1 millisecond', now()
     FROM generate_series(1, $2) g`,
    [mode, tickets],
  );
  const insertedAt = performance.now();
  // What the product's own ticket creation sends, so the matcher starts without waiting for its timer.
  await client.query(`SELECT pg_notify('omninanny_tickets', '')`);
  return insertedAt;
}

/**
 * Polls until no ticket is live or the time runs out, then counts the outcomes once. The
 * poll is an EXISTS over the live-ticket index: counting 100,000 rows every 20 ms took a
 * PostgreSQL core away from the product.
 */
async function waitMatched(client, tickets, insertedAt, timeoutS) {
  const deadline = insertedAt + timeoutS * 1000;
  let doneAt = performance.now();
  while (performance.now() < deadline) {
    const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM tickets WHERE state IN ('waiting', 'allocating')) AS live`);
    doneAt = performance.now();
    if (!rows[0].live) break;
    await lib.sleep(20);
  }
  const { rows } = await client.query(`SELECT count(*) FILTER (WHERE state = 'matched')::int AS matched, count(*) FILTER (WHERE state IN ('failed', 'cancelled'))::int AS failed FROM tickets`);
  return { ...rows[0], elapsedS: (doneAt - insertedAt) / 1000 };
}

async function bulkMatch(options, { matches, label, profile }) {
  return withServer('product', async ({ database }) => {
    const client = new lib.Client({ connectionString: database.url });
    await client.connect();
    try {
      const insertedAt = await seedPool(client, { mode: 'bench2', instances: matches, users: matches * 2, tickets: matches * 2 });
      const outcome = await waitMatched(client, matches * 2, insertedAt, options['match-timeout']);
      return { label, tickets: matches * 2, ...outcome, allocationsPerSecond: outcome.matched / 2 / outcome.elapsedS };
    } finally {
      await client.end();
    }
  }, { profile });
}

/** Cumulative bucket counts of omninanny_match_wait_seconds, by upper bound in seconds. */
async function matchWaitBuckets(port) {
  const { status, body } = await lib.request(port, 'GET', '/metrics', { key: KEY });
  if (status !== 200) throw new Error(`GET /metrics returned ${status}`);
  const buckets = new Map();
  for (const match of String(body).matchAll(/^omninanny_match_wait_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)) {
    buckets.set(match[1] === '+Inf' ? Infinity : Number(match[1]), Number(match[2]));
  }
  return buckets;
}

/** Share of observations at or below each bound between two readings, and a quantile read off them. */
function histogramDelta(before, after) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = after.get(Infinity) - (before.get(Infinity) || 0);
  const share = (bound) => (after.get(bound) - (before.get(bound) || 0)) / total;
  // The upper bound of the first bucket that contains the quantile: an upper estimate.
  const quantileBound = (q) => bounds.find((bound) => share(bound) >= q);
  return { total, share, quantileBound };
}

/**
 * Measures latency at a fixed offered rate. A load process inserts ticket pairs at
 * `pairRate` a second and notifies the matchers as a join does. The latency is the
 * product's own match wait histogram: from the ticket insert to the matched notification.
 */
async function allocationLatency(options, pairRate) {
  const pairs = Math.round(pairRate * options['stream-seconds']);
  return withServer('product', async ({ port, database }) => {
    const client = new lib.Client({ connectionString: database.url });
    await client.connect();
    try {
      await seedPool(client, { mode: 'bench2', instances: pairs + 100, users: pairs * 2, tickets: 0 });
      const before = await matchWaitBuckets(port);
      const stream = await runLoadOnce('ticket-stream.js', [database.url, 'bench2', pairRate, options['stream-seconds']], 'ticket stream', 120000);
      const outcome = await waitMatched(client, pairs * 2, performance.now(), 30);
      const histogram = histogramDelta(before, await matchWaitBuckets(port));
      return { pairRate, stream, ...outcome, observed: histogram.total, p50BoundS: histogram.quantileBound(0.5), p99BoundS: histogram.quantileBound(0.99), within20ms: histogram.share(0.02) };
    } finally {
      await client.end();
    }
  });
}

async function allocation(options) {
  const matches = options.allocations;
  const result = await bulkMatch(options, { matches, label: 'allocation', profile: options.profile === 'allocation' });
  const streams = [];
  for (const rate of String(options['stream-rates']).split(',').map(Number).filter((value) => value > 0)) {
    streams.push(await allocationLatency(options, rate));
  }
  const ms = (seconds) => {
    if (seconds === undefined) return 'n/a';
    if (seconds === Infinity) return '> 600 000';
    return fixed(seconds * 1000, 0);
  };
  const streamRows = streams.flatMap((run) => [
    [`at ${run.pairRate} allocations/s offered: tickets matched / inserted`, `${run.matched} / ${run.stream.pairs * 2}`, '', ''],
    [`at ${run.pairRate} allocations/s offered: p50 / p99 insert→matched, bucket bound (ms)`, `≤ ${ms(run.p50BoundS)} / ≤ ${ms(run.p99BoundS)}`, '', ''],
    [`at ${run.pairRate} allocations/s offered: tickets matched within 20 ms`, `${fixed(run.within20ms * 100, 2)} %`, 'p99 ≤ 20 ms (≥ 99 %)', run.within20ms >= 0.99 ? 'yes' : 'no'],
  ]);
  return {
    title: `allocation: throughput with ${matches} ready instances and ${matches * 2} waiting tickets pre-created in the database (2-player mode); latency with tickets inserted at a fixed rate for ${options['stream-seconds']} s against a pre-created pool; product only`,
    header: ['figure', 'product', 'target', 'met'],
    rows: [
      ['backlog: tickets matched / inserted', `${result.matched} / ${result.tickets}`, '', ''],
      ['backlog: time from insert commit to all matched (s)', result.matched === result.tickets ? fixed(result.elapsedS, 2) : `not done after ${fixed(result.elapsedS, 1)}`, '', ''],
      ['backlog: allocations/s', fixed(result.allocationsPerSecond, 0), '≥ 2000', result.allocationsPerSecond >= 2000 ? 'yes' : 'no'],
      ...streamRows,
    ],
    raw: { backlog: result, streams },
  };
}

async function matchmaking(options) {
  const matches = Math.ceil(options.tickets / 2);
  const bulk = await bulkMatch(options, { matches, label: 'matchmaking', profile: options.profile === 'matchmaking' });
  const clients = options['mm-clients'];
  const pairRates = String(options['pair-rates']).split(',').map(Number).filter((rate) => rate > 0);
  const live = [];
  for (const pairRate of pairRates) {
    live.push(await withServer('product', async ({ port, database }) => {
      const client = new lib.Client({ connectionString: database.url });
      await client.connect();
      try {
        await seedPool(client, { mode: 'bench2', instances: Math.ceil(clients / 2) + 10, users: 0, tickets: 0 });
      } finally {
        await client.end();
      }
      return runLoadOnce('matchmaking-clients.js', [port, KEY, clients, 'bench2', pairRate, 'mmc'], 'matchmaking clients', 180000);
    }, { profile: options.profile === 'matchmaking-clients' }));
  }
  const allMatched = bulk.matched === bulk.tickets;
  const liveRows = live.flatMap((run) => [
    [`clients at ${run.pairRate} pairs/s: matched / joined`, `${run.matched} / ${run.clients}`, '', ''],
    [`clients at ${run.pairRate} pairs/s: join→matched p50 (ms)`, fixed(run.latencyMs.p50, 2), '', ''],
    [`clients at ${run.pairRate} pairs/s: join→matched p99 (ms)`, fixed(run.latencyMs.p99, 2), '≤ 50', run.latencyMs.p99 <= 50 ? 'yes' : 'no'],
    [`clients at ${run.pairRate} pairs/s: join→acknowledged p50 / p99 (ms)`, `${fixed(run.ackMs.p50, 2)} / ${fixed(run.ackMs.p99, 2)}`, '', ''],
  ]);
  return {
    title: `matchmaking: ${bulk.tickets} tickets inserted in bulk into the tickets table against ${matches} pre-created ready instances; then ${clients} Socket.IO clients joining two at a time (${pairRates.join(' and ')} pairs/s, a fresh database each) with ${Math.ceil(clients / 2) + 10} pre-created ready instances`,
    header: ['figure', 'product', 'target', 'met'],
    rows: [
      ['bulk: tickets matched / inserted', `${bulk.matched} / ${bulk.tickets}`, '', ''],
      ['bulk: time from insert commit to all matched (s)', allMatched ? fixed(bulk.elapsedS, 2) : `not done after ${fixed(bulk.elapsedS, 1)}`, '≤ 5', allMatched && bulk.elapsedS <= 5 ? 'yes' : 'no'],
      ['bulk: matches/s', fixed(bulk.allocationsPerSecond, 0), '', ''],
      ...liveRows,
    ],
    raw: { bulk, live },
  };
}

const RUNNERS = { 'token-issue': tokenIssue, 'command-delivery': commandDelivery, connections, allocation, matchmaking };

// --- output ----------------------------------------------------------------------------

function markdownTable(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

function machineSummary() {
  const run = (command, args) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'n/a';
    }
  };
  const memory = /Mem:\s+(\d+)/.exec(run('free', ['-g']));
  return `${run('nproc', [])} cores (${os.cpus()[0].model}), ${memory ? memory[1] : '?'} GiB RAM, Node ${process.version}, ${run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-tAc', 'SHOW server_version'])} PostgreSQL, open-file limit ${run('sh', ['-c', 'ulimit -Hn'])}`;
}

function record(sections, command) {
  let text = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, 'utf8') : '# Benchmarks\n';
  if (!text.includes(RESULTS_HEADING)) text = `${text.trimEnd()}\n\n${RESULTS_HEADING}\n\nAppended by \`npm run bench\`, newest last.\n`;
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  let block = `\n### ${when}: \`${command}\`\n\n${machineSummary()}; product built ${snapshot.builtAt}.\n`;
  for (const section of sections) block += `\n${section.title}\n\n${markdownTable(section.header, section.rows)}\n`;
  fs.writeFileSync(RESULTS_FILE, `${text.trimEnd()}\n${block}`);
}

async function main() {
  const { scenario, options } = parseArguments(process.argv.slice(2));
  const limitTimer = setTimeout(() => {
    console.error(`bench: stopped after the --limit of ${options.limit} s`);
    cleanup();
    process.exit(2);
  }, options.limit * 1000);

  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omninanny-bench-run-'));
  snapshot = await lib.snapshotProduct();
  console.log(`machine: ${machineSummary()}`);
  const sections = [];
  const failures = [];
  for (const name of scenario === 'all' ? SCENARIOS : [scenario]) {
    const started = Date.now();
    console.log(`\n== ${name}`);
    try {
      const section = await RUNNERS[name](options);
      sections.push(section);
      console.log(section.title);
      console.log(markdownTable(section.header, section.rows));
      fs.writeFileSync(path.join(tmpDir, `${name}.json`), JSON.stringify(section.raw, null, 2));
    } catch (error) {
      failures.push(name);
      console.error(`${name} failed: ${error.stack || error}`);
      sections.push({ title: `${name}: failed (${String(error.message).split('\n')[0]})`, header: ['figure'], rows: [] });
    }
    console.log(`(${name} took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  if (options.profile) {
    const dir = path.join(tmpDir, 'profiles');
    if (fs.existsSync(dir)) console.log(`\nCPU profiles: ${fs.readdirSync(dir).map((file) => path.join(dir, file)).join(', ')}`);
  }
  if (options.record) record(sections, `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim());
  console.log(`\nserver logs and raw JSON: ${tmpDir}`);
  clearTimeout(limitTimer);
  cleanup({ keepTmp: true });
  process.exit(failures.length > 0 ? 1 : 0);
}

function cleanup({ keepTmp = true } = {}) {
  lib.killAll();
  lib.dropOpenDatabasesSync();
  if (snapshot) fs.rmSync(snapshot.dir, { recursive: true, force: true });
  if (!keepTmp && tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}
process.on('exit', () => lib.killAll());

main().catch((error) => {
  console.error(error.stack || error);
  cleanup();
  process.exit(1);
});
