const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a token lifetime such as `15m`, `24h`, `7d`, `30s` or plain seconds (`3600`) into
 * seconds. Returns undefined for anything else, including zero and negative values.
 */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) {
    return undefined;
  }

  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
  return Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
}
