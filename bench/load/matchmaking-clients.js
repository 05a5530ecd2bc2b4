'use strict';
// Load process of the matchmaking scenario's latency run: CLIENTS connected game clients
// send `matchmaking:join` two at a time (one pair makes a 2-player match), PAIR_RATE pairs
// per second. The latency is from just before the join to the client's `matchmaking:matched`.
// Arguments: port key clients mode pairRate prefix
const { emit, runLoad, sleep, summarize } = require('../lib');
const { createUsers, connectAll } = require('./clients');

runLoad(async () => {
  const [portArg, key, clientsArg, mode, pairRateArg, prefix] = process.argv.slice(2);
  const port = Number(portArg);
  const clients = Number(clientsArg);
  const pairRate = Number(pairRateArg);
  const subs = Array.from({ length: clients }, (_, i) => `${prefix}-${i}`);
  const tokens = await createUsers(port, key, subs);
  const joinedAt = new Array(clients);
  const latencies = [];
  const ackLatencies = [];
  const failures = [];
  const { sockets, failed } = await connectAll(port, tokens, {
    onSocket(socket, index) {
      socket.on('matchmaking:matched', () => {
        if (joinedAt[index] !== undefined) latencies.push(performance.now() - joinedAt[index]);
      });
      socket.on('matchmaking:failed', (event) => failures.push(event.reason));
    },
  });
  if (failed > 0) throw new Error(`${failed} of ${clients} sockets failed to connect`);
  await sleep(300);

  const joinErrors = [];
  const joins = [];
  const started = performance.now();
  for (let i = 0; i < clients; i++) {
    const due = started + (Math.floor(i / 2) * 1000) / pairRate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    joinedAt[i] = performance.now();
    joins.push(
      sockets[i]
        .timeout(10000)
        .emitWithAck('matchmaking:join', { mode })
        .then((ack) => {
          ackLatencies.push(performance.now() - joinedAt[i]);
          if (!ack || ack.ok === false) joinErrors.push(ack && ack.message);
        })
        .catch((error) => joinErrors.push(error.message)),
    );
  }
  await Promise.all(joins);
  const deadline = Date.now() + 15000;
  while (latencies.length + failures.length < clients && Date.now() < deadline) await sleep(20);
  for (const socket of sockets) socket.close();
  emit({ type: 'result', clients, pairRate, matched: latencies.length, failures, joinErrors: joinErrors.slice(0, 5), joinErrorCount: joinErrors.length, latencyMs: summarize(latencies), ackMs: summarize(ackLatencies) });
  process.exit(0);
});
