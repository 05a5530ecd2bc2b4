import { AckFailure, HelloAck, Readiness, StartRequest, StopRequest } from './protocol';

const MAX_ID_LENGTH = 256;
const MAX_START_TIMEOUT_SECONDS = 86_400;
const MAX_GRACE_SECONDS = 3_600;

/** Collects the problems of one payload, so that the 400 lists all of them at once. */
class PayloadReader {
  readonly errors: string[] = [];

  constructor(private readonly payload: Record<string, unknown>) {}

  id(name: string): string {
    const value = this.payload[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH || hasControlCharacter(value)) {
      this.errors.push(`${name} must be a string of 1 to ${MAX_ID_LENGTH} printable characters, got ${describe(value)}`);
      return '';
    }
    return value;
  }

  string(name: string): string {
    const value = this.payload[name];
    if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
      this.errors.push(`${name} must be a non-empty string without NUL bytes, got ${describe(value)}`);
      return '';
    }
    return value;
  }

  nullableString(name: string): string | null {
    const value = this.payload[name];
    if (value === null) {
      return null;
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      this.errors.push(`${name} must be a string without NUL bytes or null, got ${describe(value)}`);
      return null;
    }
    return value;
  }

  stringArray(name: string): string[] {
    const value = this.payload[name];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && !item.includes('\0'))) {
      this.errors.push(`${name} must be an array of strings without NUL bytes, got ${describe(value)}`);
      return [];
    }
    return value as string[];
  }

  env(name: string): Record<string, string> {
    const value = this.payload[name];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.errors.push(`${name} must be an object of strings, got ${describe(value)}`);
      return {};
    }

    const env: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.length === 0 || key.includes('=') || key.includes('\0')) {
        this.errors.push(`${name} has an invalid variable name ${JSON.stringify(key)}: it must be non-empty without "=" or NUL bytes`);
      } else if (typeof item !== 'string' || item.includes('\0')) {
        this.errors.push(`${name}.${key} must be a string without NUL bytes, got ${describe(item)}`);
      } else {
        env[key] = item;
      }
    }
    return env;
  }

  integer(name: string, min: number, max: number): number {
    const value = this.payload[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.errors.push(`${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
      return min;
    }
    return value;
  }

  seconds(name: string, min: number, max: number, allowZero: boolean): number {
    const value = this.payload[name];
    const inRange = typeof value === 'number' && Number.isFinite(value) && value <= max && (allowZero ? value >= min : value > min);
    if (!inRange) {
      const lower = allowZero ? `from ${min}` : `greater than ${min}`;
      this.errors.push(`${name} must be a number of seconds ${lower} up to ${max}, got ${describe(value)}`);
      return max;
    }
    return value as number;
  }

  readiness(name: string): Readiness {
    const value = this.payload[name] as Record<string, unknown> | null | undefined;
    const type = typeof value === 'object' && value !== null ? value.type : undefined;

    if (type === 'tcp' || type === 'none') {
      return { type };
    }
    if (type === 'log') {
      const pattern = value?.pattern;
      if (typeof pattern !== 'string' || pattern.length === 0) {
        this.errors.push(`${name}.pattern must be a non-empty regular expression, got ${describe(pattern)}`);
        return { type: 'none' };
      }
      try {
        new RegExp(pattern);
      } catch (error) {
        this.errors.push(`${name}.pattern is not a valid regular expression: ${(error as Error).message}`);
      }
      return { type: 'log', pattern };
    }

    this.errors.push(`${name} must be {type: 'tcp'}, {type: 'log', pattern} or {type: 'none'}, got ${describe(value)}`);
    return { type: 'none' };
  }

  throwIfInvalid(): void {
    if (this.errors.length > 0) {
      throw new AckFailure(400, `invalid payload: ${this.errors.join('; ')}`);
    }
  }
}

function hasControlCharacter(value: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(value);
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function readerFor(payload: unknown): PayloadReader {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new AckFailure(400, `invalid payload: expected an object, got ${describe(payload)}`);
  }
  return new PayloadReader(payload as Record<string, unknown>);
}

/** Validates an `instance:start` payload, throwing a 400 AckFailure that lists every problem. */
export function parseStartRequest(payload: unknown): StartRequest {
  const reader = readerFor(payload);
  const request: StartRequest = {
    instance: reader.id('instance'),
    command: reader.string('command'),
    args: reader.stringArray('args'),
    env: reader.env('env'),
    port: reader.integer('port', 1, 65_535),
    mode: reader.nullableString('mode'),
    players: reader.stringArray('players'),
    readiness: reader.readiness('readiness'),
    start_timeout_seconds: reader.seconds('start_timeout_seconds', 0, MAX_START_TIMEOUT_SECONDS, false),
  };
  reader.throwIfInvalid();
  return request;
}

/** Validates an `instance:stop` payload, throwing a 400 AckFailure that lists every problem. */
export function parseStopRequest(payload: unknown): StopRequest {
  const reader = readerFor(payload);
  const request: StopRequest = {
    instance: reader.id('instance'),
    grace_seconds: reader.seconds('grace_seconds', 0, MAX_GRACE_SECONDS, true),
  };
  reader.throwIfInvalid();
  return request;
}

/** Validates the acknowledgement of `agent:hello`; throws an Error naming the bad field. */
export function parseHelloAck(ack: unknown): HelloAck {
  const body = (typeof ack === 'object' && ack !== null ? ack : {}) as Record<string, unknown>;
  if (body.ok !== true) {
    throw new Error(`the control plane rejected agent:hello: ${describe(ack)}`);
  }

  const worker = body.worker as Record<string, unknown> | undefined;
  if (typeof worker?.id !== 'string' || typeof worker.name !== 'string') {
    throw new Error(`invalid agent:hello acknowledgement: worker must be {id, name}, got ${describe(worker)}`);
  }

  const heartbeat = body.heartbeat_seconds;
  if (typeof heartbeat !== 'number' || !Number.isFinite(heartbeat) || heartbeat <= 0) {
    throw new Error(`invalid agent:hello acknowledgement: heartbeat_seconds must be a positive number, got ${describe(heartbeat)}`);
  }

  const stop = body.stop ?? [];
  if (!Array.isArray(stop) || !stop.every((id) => typeof id === 'string')) {
    throw new Error(`invalid agent:hello acknowledgement: stop must be an array of instance ids, got ${describe(stop)}`);
  }

  return { ok: true, worker: { id: worker.id, name: worker.name }, heartbeat_seconds: heartbeat, stop: stop as string[] };
}
