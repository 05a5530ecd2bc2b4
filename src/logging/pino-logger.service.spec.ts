import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { PinoLoggerService } from './pino-logger.service';
import { requestContext } from './request-context';

/** Collects the JSON lines pino writes. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { lines, destination };
}

describe('PinoLoggerService', () => {
  it('writes level, time, context and msg', () => {
    const { lines, destination } = capture();
    new PinoLoggerService({ level: 'log', format: 'json', destination }).log('listening', 'Omninanny');

    expect(lines).toEqual([{ level: 'info', time: expect.any(String), context: 'Omninanny', msg: 'listening' }]);
    expect(Number.isNaN(Date.parse(lines[0].time as string))).toBe(false);
  });

  it.each([
    ['error', ['error']],
    ['warn', ['error', 'warn']],
    ['log', ['error', 'warn', 'info']],
    ['debug', ['error', 'warn', 'info', 'debug']],
    ['verbose', ['error', 'warn', 'info', 'debug', 'trace']],
  ] as const)('LOG_LEVEL=%s writes %j', (level, written) => {
    const { lines, destination } = capture();
    const logger = new PinoLoggerService({ level, format: 'json', destination });

    logger.error('e', undefined, 'Test');
    logger.warn('w', 'Test');
    logger.log('l', 'Test');
    logger.debug('d', 'Test');
    logger.verbose('v', 'Test');

    expect(lines.map((line) => line.level)).toEqual(written);
  });

  it('adds requestId inside a request', () => {
    const { lines, destination } = capture();
    const logger = new PinoLoggerService({ level: 'log', format: 'json', destination });

    requestContext.run({ requestId: 'req-1' }, () => logger.log('inside', 'Test'));
    logger.log('outside', 'Test');

    expect(lines[0]).toMatchObject({ msg: 'inside', requestId: 'req-1' });
    expect(lines[1]).not.toHaveProperty('requestId');
  });

  it('adds err with message and stack', () => {
    const { lines, destination } = capture();
    const logger = new PinoLoggerService({ level: 'log', format: 'json', destination });
    const error = new Error('connection refused');

    logger.error('matchmaking pass failed', error.stack, 'MatchmakerService');
    logger.error(error);

    expect(lines[0]).toMatchObject({
      level: 'error',
      context: 'MatchmakerService',
      msg: 'matchmaking pass failed',
      err: { message: 'Error: connection refused', stack: error.stack },
    });
    expect(lines[1]).toMatchObject({ msg: 'connection refused', err: { message: 'connection refused', stack: error.stack } });
  });

  it('serves Nest Logger instances', () => {
    const { lines, destination } = capture();
    Logger.overrideLogger(new PinoLoggerService({ level: 'debug', format: 'json', destination }));
    try {
      new Logger('HTTP').debug({ msg: 'GET /x 200', status: 200 });
      new Logger('HTTP').error('failed');
    } finally {
      Logger.overrideLogger(new Logger());
    }

    expect(lines).toEqual([
      { level: 'debug', time: expect.any(String), context: 'HTTP', msg: 'GET /x 200', status: 200 },
      { level: 'error', time: expect.any(String), context: 'HTTP', msg: 'failed' },
    ]);
  });

  it('redacts secret fields', () => {
    const { lines, destination } = capture();
    const logger = new PinoLoggerService({ level: 'log', format: 'json', destination });

    logger.log({ msg: 'request', token: 'user-token', req: { headers: { authorization: 'Bearer k' } }, query: { key: 'server-key' } }, 'Test');

    expect(JSON.stringify(lines[0])).not.toMatch(/user-token|Bearer k|server-key/);
    expect(lines[0]).toMatchObject({ token: '[REDACTED]', query: { key: '[REDACTED]' } });
  });

  it('writes the pretty form', () => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    new PinoLoggerService({ level: 'log', format: 'pretty', destination }).log('listening', 'Omninanny');

    expect(chunks.join('')).toMatch(/INFO.*\[Omninanny\] listening/);
  });
});
