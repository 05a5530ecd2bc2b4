'use strict';
// Load process of the command-delivery scenario. It holds CLIENTS connected sockets and
// sends POST /api/server/user/command itself, so the latency from just before the POST
// to the client's `command` event is measured on one clock.
// After 2 s of warm-up at RATE, phase 1 offers RATE commands per second for DURATION seconds. Phase 2 keeps SATURATION
// requests in flight for DURATION seconds and counts delivered commands per second.
// Arguments: port key clients rate durationSeconds saturationInFlight prefix
const { emit, request, runLoad, sleep, summarize } = require('../lib');
const { createUsers, connectAll } = require('./clients');

const WARM_UP_MS = 2000;

runLoad(async () => {
  const [portArg, key, clientsArg, rateArg, durationArg, inFlightArg, prefix] = process.argv.slice(2);
  const port = Number(portArg);
  const clients = Number(clientsArg);
  const rate = Number(rateArg);
  const durationMs = Number(durationArg) * 1000;
  const inFlight = Number(inFlightArg);

  const subs = Array.from({ length: clients }, (_, i) => `${prefix}-${i}`);
  const tokens = await createUsers(port, key, subs);
  const pending = new Map();
  let delivered = 0;
  let latencies = [];
  const { sockets, failed } = await connectAll(port, tokens, {
    onSocket(socket) {
      socket.on('command', (command) => {
        const sentAt = pending.get(command.body && command.body.id);
        if (sentAt === undefined) return;
        pending.delete(command.body.id);
        delivered++;
        latencies.push(performance.now() - sentAt);
      });
    },
  });
  if (failed > 0) throw new Error(`${failed} of ${clients} sockets failed to connect`);
  await sleep(500);

  let nextId = 0;
  let httpErrors = 0;
  let notSent = 0;
  async function sendOne() {
    const id = nextId++;
    const sub = subs[id % clients];
    pending.set(id, performance.now());
    try {
      const { status, body } = await request(port, 'POST', '/api/server/user/command', { key, body: { sub, title: 'bench', body: { id } } });
      if (status !== 200 && status !== 201) httpErrors++;
      else if (!body.sent) notSent++;
    } catch {
      httpErrors++;
    }
  }
  async function drain(limitMs) {
    const deadline = Date.now() + limitMs;
    while (pending.size > 0 && Date.now() < deadline) await sleep(20);
  }

  /** Offers RATE commands per second for `lengthMs`, in 5 ms ticks so the schedule stays close to RATE. */
  async function offer(lengthMs) {
    const total = Math.round((rate * lengthMs) / 1000);
    const requests = [];
    const started = performance.now();
    let scheduled = 0;
    while (scheduled < total && performance.now() - started < lengthMs * 2) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      while (scheduled < due) {
        requests.push(sendOne());
        scheduled++;
      }
      await sleep(5);
    }
    const offeredS = (performance.now() - started) / 1000;
    await Promise.all(requests);
    await drain(5000);
    return { scheduled, offeredS };
  }

  // Warm-up, not measured: both servers start with cold code paths for commands.
  await offer(WARM_UP_MS);
  pending.clear();
  delivered = 0;
  latencies = [];
  httpErrors = 0;
  notSent = 0;

  // Phase 1: fixed offered rate.
  const { scheduled, offeredS } = await offer(durationMs);
  const fixed = {
    offered: scheduled, offeredPerSecond: scheduled / offeredS, delivered, lost: pending.size, httpErrors, notSent,
    latencyMs: summarize(latencies),
  };

  // Phase 2: saturation with a bounded number of requests in flight.
  pending.clear();
  delivered = 0;
  latencies = [];
  httpErrors = 0;
  notSent = 0;
  const satStarted = performance.now();
  const satDeadline = satStarted + durationMs;
  const maxCommands = 5_000_000;
  async function saturate() {
    while (performance.now() < satDeadline && nextId < maxCommands) await sendOne();
  }
  await Promise.all(Array.from({ length: inFlight }, saturate));
  const satElapsedS = (performance.now() - satStarted) / 1000;
  await drain(5000);
  const saturation = {
    inFlight, elapsedS: satElapsedS, delivered, deliveredPerSecond: delivered / satElapsedS, lost: pending.size, httpErrors, notSent,
    latencyMs: summarize(latencies),
  };

  for (const socket of sockets) socket.close();
  emit({ type: 'result', clients, fixed, saturation });
  process.exit(0);
});
