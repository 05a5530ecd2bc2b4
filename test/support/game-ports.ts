import { randomInt } from 'node:crypto';

/**
 * A port range for the game servers of one test file, at a random offset, so that two test
 * runs on one machine, or a game server a crashed run left behind, rarely share a port.
 */
export function gamePortRange(size: number): { min: number; max: number } {
  const min = 20_000 + randomInt(0, 200) * 100;
  return { min, max: min + size - 1 };
}
