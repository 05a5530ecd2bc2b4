import { HelloPayload, StateReport } from '../agent/protocol';
import { isUuid } from '../common/uuid';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCode = (value: unknown) => value === null || Number.isInteger(value);
const isText = (value: unknown, max: number) => typeof value === 'string' && value.length <= max;

/** Checks an `agent:hello` payload; returns undefined when it is malformed. */
export function parseHello(payload: unknown): HelloPayload | undefined {
  if (!isObject(payload) || !isText(payload.version, 64) || !Array.isArray(payload.instances) || payload.instances.length > 10_000) {
    return undefined;
  }

  const valid = payload.instances.every(
    (entry) => isObject(entry) && typeof entry.instance === 'string' && isUuid(entry.instance) && Number.isInteger(entry.pid) && Number.isInteger(entry.port),
  );
  return valid ? (payload as unknown as HelloPayload) : undefined;
}

/** Checks an `instance:state` payload; returns undefined when it is malformed. */
export function parseReport(payload: unknown): StateReport | undefined {
  if (!isObject(payload) || typeof payload.instance !== 'string' || !isUuid(payload.instance)) {
    return undefined;
  }

  switch (payload.state) {
    case 'ready':
      return { instance: payload.instance, state: 'ready' };
    case 'failed':
    case 'exited':
      if (!isText(payload.reason, 4096) || !isCode(payload.exit_code) || !(payload.signal === null || isText(payload.signal, 32))) {
        return undefined;
      }
      return payload as unknown as StateReport;
    default:
      return undefined;
  }
}
