import { EmulatorError } from './errors.js';

const POLL_MS = 10;

/**
 * Polls `predicate` every 10 ms. Tests wait on conditions instead of sleeping; the timeout message carries the
 * predicate's source and the emulator's state so a failure says what was still missing.
 */
export function waitFor(predicate: () => boolean, timeoutMs: number, describeState: () => string): Promise<void> {
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    return Promise.reject(new EmulatorError('LOGFERRY_EMULATOR_BAD_OPTION', `waitFor timeoutMs must be a non-negative number, got ${String(timeoutMs)}`));
  }
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      let done: boolean;
      try {
        done = predicate();
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (done) {
        resolve();
        return;
      }
      if (Date.now() - started >= timeoutMs) {
        const source = predicate.toString().replace(/\s+/g, ' ').slice(0, 200);
        reject(
          new EmulatorError(
            'LOGFERRY_EMULATOR_TIMEOUT',
            `waitFor timed out after ${timeoutMs} ms: ${source} never became true. Emulator state: ${describeState()}`,
          ),
        );
        return;
      }
      setTimeout(check, POLL_MS);
    };
    check();
  });
}
