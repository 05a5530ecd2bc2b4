'use strict';
// Load process of the connections scenario: creates COUNT users and prints `tokens`. On the
// instruction `connect` it opens one socket per user and prints `connected`, and it holds the
// sockets until the instruction `close` or the end of stdin.
// Arguments: port key count prefix
const { emit, onInstruction, runLoad } = require('../lib');
const { createUsers, connectAll } = require('./clients');

runLoad(async () => {
  const [portArg, key, countArg, prefix] = process.argv.slice(2);
  const port = Number(portArg);
  const count = Number(countArg);
  const subs = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const tokens = await createUsers(port, key, subs, 16);
  let sockets = [];
  onInstruction(async (instruction) => {
    if (instruction.type === 'connect') {
      const started = performance.now();
      const result = await connectAll(port, tokens, { concurrency: 100, timeoutMs: 300000 });
      sockets = result.sockets;
      const connected = sockets.filter((socket) => socket.connected).length;
      emit({ type: 'connected', connected, failed: result.failed, elapsedS: (performance.now() - started) / 1000 });
    } else if (instruction.type === 'close') {
      for (const socket of sockets) socket.close();
      emit({ type: 'closed' });
      setTimeout(() => process.exit(0), 200);
    }
  });
  emit({ type: 'tokens', count: tokens.length });
});
