import { parseHelloAck, parseStartRequest, parseStopRequest } from './payload-validation';
import { AckFailure } from './protocol';

const valid = {
  instance: 'match-1',
  command: 'node',
  args: ['server.js'],
  env: { LEVEL: 'harbor' },
  port: 7001,
  mode: null,
  players: ['alice'],
  readiness: { type: 'log', pattern: 'ready' },
  start_timeout_seconds: 30,
};

function startError(payload: unknown): string {
  try {
    parseStartRequest(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(AckFailure);
    expect((error as AckFailure).code).toBe(400);
    return (error as AckFailure).message;
  }
  throw new Error('expected parseStartRequest to throw');
}

describe('parseStartRequest', () => {
  it('accepts a valid payload', () => {
    expect(parseStartRequest(valid)).toEqual(valid);
  });

  it('drops unknown fields', () => {
    expect(parseStartRequest({ ...valid, extra: true })).toEqual(valid);
  });

  it.each([
    ['instance', { instance: '' }, 'instance must be a string of 1 to 256 printable characters, got ""'],
    ['instance newline', { instance: 'a\nb' }, 'instance must be a string of 1 to 256 printable characters'],
    ['command', { command: 5 }, 'command must be a non-empty string without NUL bytes, got 5'],
    ['args', { args: ['ok', 1] }, 'args must be an array of strings without NUL bytes'],
    ['args NUL', { args: ['a\0b'] }, 'args must be an array of strings without NUL bytes'],
    ['env value', { env: { A: 1 } }, 'env.A must be a string without NUL bytes, got 1'],
    ['env name', { env: { 'A=B': 'x' } }, 'env has an invalid variable name "A=B"'],
    ['port', { port: 0 }, 'port must be an integer from 1 to 65535, got 0'],
    ['port fraction', { port: 70.5 }, 'port must be an integer from 1 to 65535, got 70.5'],
    ['mode', { mode: 3 }, 'mode must be a string without NUL bytes or null, got 3'],
    ['players', { players: 'alice' }, 'players must be an array of strings'],
    ['readiness type', { readiness: { type: 'http' } }, "readiness must be {type: 'tcp'}"],
    ['readiness pattern', { readiness: { type: 'log', pattern: '(' } }, 'readiness.pattern is not a valid regular expression'],
    ['timeout zero', { start_timeout_seconds: 0 }, 'start_timeout_seconds must be a number of seconds greater than 0 up to 86400, got 0'],
  ])('rejects bad %s', (_name, override, message) => {
    expect(startError({ ...valid, ...override })).toContain(message);
  });

  it('lists every problem', () => {
    const message = startError({ ...valid, port: 'x', players: null });

    expect(message).toMatch(/^invalid payload: /);
    expect(message).toContain('port must be');
    expect(message).toContain('players must be');
  });

  it('rejects a non-object', () => {
    expect(startError([])).toBe('invalid payload: expected an object, got []');
  });
});

describe('parseStopRequest', () => {
  it('accepts zero grace', () => {
    expect(parseStopRequest({ instance: 'a', grace_seconds: 0 })).toEqual({ instance: 'a', grace_seconds: 0 });
  });

  it('rejects negative grace', () => {
    expect(() => parseStopRequest({ instance: 'a', grace_seconds: -1 })).toThrow('grace_seconds must be a number of seconds from 0 up to 3600, got -1');
  });
});

describe('parseHelloAck', () => {
  const ack = { ok: true, worker: { id: 'w', name: 'n' }, heartbeat_seconds: 15, stop: ['a'] };

  it('accepts a valid ack', () => {
    expect(parseHelloAck(ack)).toEqual(ack);
  });

  it('rejects an error ack', () => {
    expect(() => parseHelloAck({ ok: false, code: 500, message: 'boom' })).toThrow('the control plane rejected agent:hello');
  });

  it('rejects a bad stop list', () => {
    expect(() => parseHelloAck({ ...ack, stop: [1] })).toThrow('stop must be an array of instance ids');
  });

  it('rejects a bad heartbeat', () => {
    expect(() => parseHelloAck({ ...ack, heartbeat_seconds: 0 })).toThrow('heartbeat_seconds must be a positive number');
  });
});
