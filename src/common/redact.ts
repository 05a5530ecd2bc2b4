/** Replaces the value of every `key` query parameter, so the server key never reaches a log. */
export function redactKey(url: string): string {
  return url.replace(/([?&]key=)[^&#]*/gi, '$1[REDACTED]');
}
