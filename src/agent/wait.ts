/**
 * Waits for `promise` for at most `timeoutMs`. Resolves true when it settled in time and
 * false on timeout; a rejection counts as settled. The timer is cleared either way, so it
 * does not keep the process alive after the wait.
 */
export async function waitWithTimeout(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );

  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
