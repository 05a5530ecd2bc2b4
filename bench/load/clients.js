'use strict';
// Game-client helpers for the load processes: user creation and Socket.IO connections.
const path = require('node:path');
const { ROOT, request } = require('../lib');
const { io } = require(path.join(ROOT, 'node_modules', 'socket.io-client'));

/** Creates users through POST /api/server/user, CONCURRENCY at a time; returns their tokens. */
async function createUsers(port, key, subs, concurrency = 32) {
  const tokens = new Array(subs.length);
  let next = 0;
  async function worker() {
    while (next < subs.length) {
      const index = next++;
      const { status, body } = await request(port, 'POST', '/api/server/user', { key, body: { sub: subs[index], nickname: `n${subs[index]}` } });
      if (!body || !body.token) throw new Error(`POST /api/server/user returned ${status}: ${JSON.stringify(body)}`);
      tokens[index] = body.token;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return tokens;
}

/** Opens one WebSocket-transport socket per token, at most CONCURRENCY handshakes at a time. */
async function connectAll(port, tokens, { concurrency = 200, timeoutMs = 120000, onSocket } = {}) {
  const sockets = new Array(tokens.length);
  let next = 0;
  let failed = 0;
  const deadline = Date.now() + timeoutMs;
  function connectOne(index) {
    return new Promise((resolve) => {
      const socket = io(`http://127.0.0.1:${port}`, {
        auth: { token: tokens[index] },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 30000,
      });
      if (onSocket) onSocket(socket, index);
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
      sockets[index] = socket;
    });
  }
  async function worker() {
    while (next < tokens.length && Date.now() < deadline) {
      const index = next++;
      if (!(await connectOne(index))) failed++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sockets: sockets.filter(Boolean), failed, notAttempted: tokens.length - next };
}

module.exports = { createUsers, connectAll };
