'use strict';
// Baseline for the benchmarks: the essential work of the product's token, handshake and
// command paths with Express, Socket.IO, pg and jsonwebtoken and no framework around them.
// Same environment convention as the product: PORT, HOST, DATABASE_URL, OMNINANNY_KEY,
// OMNINANNY_JWT_SECRET, DATABASE_POOL_SIZE.
const path = require('node:path');
const http = require('node:http');
const { createSecretKey } = require('node:crypto');

const modules = path.resolve(__dirname, '..', '..', 'node_modules');
const express = require(path.join(modules, 'express'));
const { Server } = require(path.join(modules, 'socket.io'));
const { Pool } = require(path.join(modules, 'pg'));
const jwt = require(path.join(modules, 'jsonwebtoken'));

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';
const key = process.env.OMNINANNY_KEY;
const secretText = process.env.OMNINANNY_JWT_SECRET;
if (!process.env.DATABASE_URL || !key || !secretText) {
  console.error('baseline: DATABASE_URL, OMNINANNY_KEY and OMNINANNY_JWT_SECRET are required');
  process.exit(1);
}

// A KeyObject as in the product: jsonwebtoken tries a string secret as a PEM key first, every time.
const secret = createSecretKey(Buffer.from(secretText, 'utf8'));
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE || 10) });
const app = express();
app.use(express.json({ limit: '1mb' }));

app.get('/health/ready', async (_req, res) => {
  await pool.query('SELECT 1');
  res.json({ status: 'ok' });
});

function requireKey(req, res, next) {
  if (req.headers.authorization !== `Bearer ${key}`) {
    res.status(401).json({ code: 401, message: 'invalid key' });
    return;
  }
  next();
}

function validString(value, max) {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}

app.post('/api/server/user', requireKey, async (req, res, next) => {
  try {
    const { sub, nickname } = req.body || {};
    if (!validString(sub, 128) || !validString(nickname, 64)) {
      res.status(400).json({ code: 400, message: 'invalid sub or nickname' });
      return;
    }
    await pool.query(
      `INSERT INTO users (sub, nickname, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (sub) DO UPDATE SET nickname = EXCLUDED.nickname, updated_at = now()`,
      [sub, nickname],
    );
    const token = jwt.sign({ sub }, secret, { algorithm: 'HS256', expiresIn: '24h' });
    res.status(201).json({ token, nickname, sub });
  } catch (error) {
    next(error);
  }
});

const httpServer = http.createServer(app);
const io = new Server(httpServer);

io.use((socket, next) => {
  try {
    const payload = jwt.verify(String(socket.handshake.auth?.token ?? ''), secret, { algorithms: ['HS256'] });
    socket.data.sub = payload.sub;
    next();
  } catch {
    next(new Error('invalid token'));
  }
});
io.on('connection', (socket) => {
  socket.join(`user:${socket.data.sub}`);
});

app.post('/api/server/user/command', requireKey, async (req, res, next) => {
  try {
    const { sub, title, body } = req.body || {};
    if (!validString(sub, 128) || !validString(title, 128)) {
      res.status(400).json({ code: 400, message: 'invalid sub or title' });
      return;
    }
    const { rowCount } = await pool.query('SELECT 1 FROM users WHERE sub = $1', [sub]);
    if (rowCount === 0) {
      res.status(404).json({ code: 404, message: 'user not found' });
      return;
    }
    const room = `user:${sub}`;
    const sent = (io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0;
    if (sent) {
      io.to(room).emit('command', { title, body, sent_at: new Date().toISOString() });
    }
    res.json({ code: 200, sent, sub });
  } catch (error) {
    next(error);
  }
});

app.use((error, _req, res, _next) => {
  console.error(error);
  res.status(500).json({ code: 500, message: 'internal server error' });
});

httpServer.listen(port, host, () => console.log(`baseline listening on ${host}:${port}`));

function shutdown() {
  io.close();
  httpServer.close();
  pool.end().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
