import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { parseDurationSeconds } from './duration';

describe('loadConfig', () => {
  let dataDir: string;
  const secrets = { OMNINANNY_KEY: 'k'.repeat(16), OMNINANNY_JWT_SECRET: 's'.repeat(16) };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'omninanny-config-'));
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('applies the documented defaults', () => {
    const config = loadConfig({ ...secrets, OMNINANNY_DATA_DIR: dataDir });

    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.tokenTtlSeconds).toBe(24 * 3600);
    expect(config.dataDir).toBe(dataDir);
    expect(config.metricsKeyRequired).toBe(false);
  });

  it.each(['json', 'pretty'])('reads LOG_FORMAT=%s', (format) => {
    expect(loadConfig({ ...secrets, OMNINANNY_DATA_DIR: dataDir, LOG_FORMAT: format }).logFormat).toBe(format);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    [{ OMNINANNY_TOKEN_TTL: '1 week' }, 'OMNINANNY_TOKEN_TTL'],
    [{ OMNINANNY_TOKEN_TTL: '0' }, 'OMNINANNY_TOKEN_TTL'],
    [{ OMNINANNY_KEY: 'short' }, 'OMNINANNY_KEY'],
    [{ OMNINANNY_JWT_SECRET: 'short' }, 'OMNINANNY_JWT_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ OMNINANNY_METRICS_KEY_REQUIRED: 'maybe' }, 'OMNINANNY_METRICS_KEY_REQUIRED'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE'],
  ])('rejects %j naming %s', (env, name) => {
    const load = () => loadConfig({ ...secrets, OMNINANNY_DATA_DIR: dataDir, ...env });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(name);
  });

  it('generates the key and secret once, with mode 0600', () => {
    const first = loadConfig({ OMNINANNY_DATA_DIR: dataDir });
    const second = loadConfig({ OMNINANNY_DATA_DIR: dataDir });

    expect(first.serverKey.length).toBeGreaterThanOrEqual(40);
    expect(first.jwtSecret).not.toBe(first.serverKey);
    expect(second.serverKey).toBe(first.serverKey);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(first.secretFiles.map((file) => file.name)).toEqual(['OMNINANNY_KEY', 'OMNINANNY_JWT_SECRET']);
    for (const file of first.secretFiles) {
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
    }
  });

  it('replaces an empty secret file', () => {
    writeFileSync(join(dataDir, 'server.key'), '\n', { mode: 0o644 });
    const config = loadConfig({ OMNINANNY_DATA_DIR: dataDir });

    expect(config.serverKey.length).toBeGreaterThan(16);
    expect(readFileSync(join(dataDir, 'server.key'), 'utf8').trim()).toBe(config.serverKey);
    expect(statSync(join(dataDir, 'server.key')).mode & 0o777).toBe(0o600);
  });

  it('prefers variables over stored secrets', () => {
    const config = loadConfig({ ...secrets, OMNINANNY_DATA_DIR: dataDir });

    expect(config.serverKey).toBe(secrets.OMNINANNY_KEY);
    expect(config.secretFiles).toEqual([]);
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['15m', 900],
    ['24h', 86400],
    ['7d', 604800],
    ['30s', 30],
    ['3600', 3600],
  ])('parses %s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', '0', '-5', '1.5h', '5w', 'h', '99999999999999999d'])('rejects %j', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });
});
