import { randomInt } from 'node:crypto';

// Below Linux's default ephemeral range (32768-60999), where outgoing connections take
// their local ports and a game server's bind could fail.
const FIRST_PORT = 20_000;
const LAST_PORT = 32_000;

/**
 * A port range for the game servers of one test file, at a random offset, so that two test
 * runs on one machine, or a game server a crashed run left behind, rarely share a port.
 */
export function gamePortRange(size: number): { min: number; max: number } {
  const slots = Math.floor((LAST_PORT - FIRST_PORT - size) / 100);
  const min = FIRST_PORT + randomInt(0, slots) * 100;
  return { min, max: min + size - 1 };
}
