/**
 * Waits `ms`, or less if `signal` aborts (close deadline). With `keepAlive`
 * false the timer is unref'd: a background retry alone does not keep a process
 * alive (at exit what is left is spooled); while someone awaits flush() or
 * close(), it does.
 */
export function sleep(ms: number, signal: AbortSignal, keepAlive = true): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    // Node only: a browser timer is a number.
    if (!keepAlive) (timer as { unref?: () => void }).unref?.();
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
