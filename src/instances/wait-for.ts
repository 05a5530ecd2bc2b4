/**
 * Polls `check` until it returns a value other than undefined or the deadline passes.
 * Polling the database (rather than waiting for an in-process event) also observes changes
 * made by another control-plane node.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 100): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() >= deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
