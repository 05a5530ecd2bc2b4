'use strict';
// Helpers shared by the benchmark runner and the load processes: databases, server
// processes, HTTP requests and percentiles. All traffic goes to 127.0.0.1.
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PG_ADMIN_URL = process.env.BENCH_PG_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const { Client } = require(path.join(ROOT, 'node_modules', 'pg'));

/** Processes started by this process, killed by killAll on every exit path. */
const children = new Set();
/** Databases created by createDatabase and not dropped yet. */
const openDatabases = new Set();

function randomSuffix() {
  return crypto.randomBytes(4).toString('hex');
}

async function adminQuery(sql, database) {
  const url = new URL(PG_ADMIN_URL);
  if (database) url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database and returns its name and URL. */
async function createDatabase() {
  const name = `omninanny_bench_${randomSuffix()}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  openDatabases.add(name);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropDatabase(name) {
  if (!/^omninanny_bench_[0-9a-f]+$/.test(name)) throw new Error(`not a benchmark database name: ${name}`);
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  openDatabases.delete(name);
}

/** Drops the databases still open, synchronously, for the exit paths that cannot wait. */
function dropOpenDatabasesSync() {
  for (const name of openDatabases) {
    try {
      execFileSync('psql', [PG_ADMIN_URL, '-qc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'ignore', timeout: 10000 });
    } catch {
      // reported by the caller's own error
    }
  }
  openDatabases.clear();
}

/** Applies the product's migration files in order, for the baseline's database. */
async function applyProductMigrations(database) {
  const dir = path.join(ROOT, 'prisma', 'migrations');
  const folders = fs.readdirSync(dir).filter((entry) => fs.existsSync(path.join(dir, entry, 'migration.sql'))).sort();
  for (const folder of folders) {
    await adminQuery(fs.readFileSync(path.join(dir, folder, 'migration.sql'), 'utf8'), database);
  }
}

/**
 * Copies the built product (dist/ and prisma/) into a temporary folder so a concurrent
 * rebuild of dist/ cannot change the server under a running benchmark. node_modules is a
 * symlink to the project's.
 */
async function snapshotProduct(waitMs = 180000) {
  const dist = path.join(ROOT, 'dist', 'main.js');
  // A build in progress deletes dist/ first, so wait for it to finish: main.js present and
  // the newest file in dist/ at least 10 s old.
  const deadline = Date.now() + waitMs;
  while (!distSettled(dist)) {
    if (Date.now() > deadline) throw new Error('dist/main.js is missing or still changing: run npm run build first');
    await sleep(1000);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omninanny-bench-'));
  fs.cpSync(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'prisma'), path.join(dir, 'prisma'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return { dir, builtAt: fs.statSync(dist).mtime.toISOString() };
}

function distSettled(dist) {
  if (!fs.existsSync(dist)) return false;
  let newest = 0;
  for (const entry of fs.readdirSync(path.dirname(dist), { recursive: true })) {
    try {
      newest = Math.max(newest, fs.statSync(path.join(path.dirname(dist), entry)).mtimeMs);
    } catch {
      return false;
    }
  }
  return Date.now() - newest > 10000;
}

/** Starts `node ARGS` under a shell that first raises the open-file limit as far as allowed. */
function spawnNode(args, options = {}) {
  const quoted = args.map((arg) => `'${String(arg).replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec node ${quoted}`;
  const child = spawn('sh', ['-c', script], {
    cwd: options.cwd || ROOT,
    env: { ...process.env, ...options.env },
    stdio: options.stdio || ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

function killAll() {
  for (const child of children) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

async function stopChild(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** Sends one JSON request to 127.0.0.1 and resolves with {status, body}. */
/**
 * Returns a port the operating system reports free. A random pick in a fixed range could
 * land in the ephemeral range, where an outgoing connection may already hold it.
 */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function request(port, method, route, { key, body, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const req = http.request({ host: '127.0.0.1', port, method, path: route, headers, agent, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
        resolve({ status: res.statusCode, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${route} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

async function waitReady(port, child, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode} before it was ready`);
    try {
      const { status } = await request(port, 'GET', '/health/ready', { timeoutMs: 1000 });
      if (status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`server on port ${port} not ready after ${timeoutMs} ms`);
}

/** Resident set size of a process in kB, from /proc/<pid>/status. */
function rssKb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

module.exports = {
  ROOT, PG_ADMIN_URL, Client, adminQuery, createDatabase, dropDatabase, applyProductMigrations, snapshotProduct,
  spawnNode, killAll, dropOpenDatabasesSync, stopChild, sleep, request, freePort, waitReady, rssKb, summarize, randomSuffix,
};

/**
 * Reads the JSON lines a load process prints on stdout. waitFor(type) resolves with the
 * next message of that type, or rejects when the process exits or the time runs out.
 */
function messages(child, label) {
  const queue = [];
  const waiters = [];
  let buffered = '';
  let exited = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        process.stderr.write(`[${label}] ${line}\n`);
        continue;
      }
      queue.push(message);
      flush();
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => process.stderr.write(`[${label}] ${chunk}`));
  child.on('exit', () => {
    exited = true;
    flush();
  });
  function flush() {
    for (let i = 0; i < waiters.length; i++) {
      const waiter = waiters[i];
      const index = queue.findIndex((message) => message.type === waiter.type || message.type === 'error');
      if (index >= 0) {
        const [message] = queue.splice(index, 1);
        waiters.splice(i--, 1);
        clearTimeout(waiter.timer);
        if (message.type === 'error') waiter.reject(new Error(`${label}: ${message.message}`));
        else waiter.resolve(message);
      } else if (exited) {
        waiters.splice(i--, 1);
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`${label} exited (code ${child.exitCode}) before sending ${waiter.type}`));
      }
    }
  }
  return {
    waitFor(type, timeoutMs = 120000) {
      return new Promise((resolve, reject) => {
        const waiter = { type, resolve, reject };
        waiter.timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`${label}: no ${type} message within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
        flush();
      });
    },
    send(message) {
      child.stdin.write(`${JSON.stringify(message)}\n`);
    },
  };
}

/** Load-process side: prints a message line, and reads instruction lines from stdin. */
function emit(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function onInstruction(handler) {
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) handler(JSON.parse(line));
    }
  });
  // The runner closing stdin (or dying) ends the load process.
  process.stdin.on('end', () => process.exit(0));
}

/** Runs a load process's main function, reporting a failure as an error message. */
function runLoad(main) {
  main().catch((error) => {
    emit({ type: 'error', message: error.stack || String(error) });
    process.exit(1);
  });
}

module.exports.messages = messages;
module.exports.emit = emit;
module.exports.onInstruction = onInstruction;
module.exports.runLoad = runLoad;
module.exports.agent = agent;
