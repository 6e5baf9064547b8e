/**
 * Process-level hooks for code that runs on the main thread (createClient,
 * winston, and pino users through `installSignalHandlers`). Worker threads get
 * no signals, so these are always installed where the app runs.
 */

/** What the exit hooks drive: a client on this thread. */
export interface ExitHookTarget {
  flush(): Promise<void>;
  close(withinMs?: number): Promise<void>;
  closeSync(): void;
}

/**
 * beforeExit (the loop went idle): flush, for at most `timeoutMs`; past that
 * (the API is down or hangs, and retries would keep the process alive for
 * `retry.maxElapsedMs`) close now, so what is left is spooled or reported and
 * the process exits. exit (nothing async runs again): closeSync.
 */
export function installExitHooks(client: ExitHookTarget, timeoutMs: number): () => void {
  let flushing = false;
  const beforeExit = (): void => {
    if (flushing) return;
    flushing = true;
    const late = setTimeout(() => void client.close(0), timeoutMs);
    late.unref();
    void client.flush().finally(() => {
      clearTimeout(late);
      flushing = false;
    });
  };
  const onExit = (): void => client.closeSync();
  process.on('beforeExit', beforeExit);
  process.on('exit', onExit);
  return () => {
    process.off('beforeExit', beforeExit);
    process.off('exit', onExit);
  };
}

export interface SignalHandlerOptions {
  /** Delivers (or spools) what is pending; awaited for at most `timeoutMs`. */
  flush: () => Promise<void>;
  timeoutMs: number;
  /** Records the crash at `fatal` before flushing. */
  logFatal?: (error: unknown) => void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * SIGTERM/SIGINT: flush within the deadline, then let the signal take its
 * normal course (exit code 128+n), unless the app has handlers of its own.
 * uncaughtException: log at fatal, flush, exit 1. Never hangs past the deadline.
 */
export function installSignalHandlers(options: SignalHandlerOptions): () => void {
  let done = false;
  const bounded = (): Promise<void> =>
    Promise.race([options.flush().catch(() => undefined), new Promise<void>((r) => setTimeout(r, options.timeoutMs).unref())]);

  const onSignal = (signal: NodeJS.Signals): void => {
    if (done) return;
    done = true;
    void bounded().then(() => {
      uninstall();
      // Our handler was the reason the signal did not end the process: re-raise it if nobody else listens.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const onCrash = (error: unknown): void => {
    if (done) return;
    done = true;
    options.logFatal?.(error);
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${stack}\n`);
    void bounded().then(() => process.exit(1));
  };

  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  function uninstall(): void {
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
  }
  return uninstall;
}
