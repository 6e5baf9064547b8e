import { checkUrl, LogferryError, sessionFrom, type ServerClock, type SessionOutcome, type SessionSource } from '@logferry/core/portable';
import type { SessionAnswer } from './types.js';

/**
 * core's SessionSource from the page's `session()`: the app's own server
 * mints the session (browserSessionHandler), so no key is ever in the page.
 * Every failure is retried with backoff by core; none is fatal (a logged-out
 * user may log in again). Nothing is asked for while the page unloads.
 */
export function sessionSource(session: () => Promise<SessionAnswer>, unloading: () => boolean, allowInsecure: boolean, clock: ServerClock, created: () => void): SessionSource {
  const fail = (message: string): SessionOutcome => ({ kind: 'retry', error: new LogferryError('LOGFERRY_HTTP', message) });
  const UNLOADING = 'no new session while the page unloads';
  return async () => {
    if (unloading()) return fail(UNLOADING);
    let value: unknown;
    try {
      value = await session();
    } catch (error) {
      return fail(`session() failed: ${(error as Error)?.message ?? String(error)}`);
    }
    // The page may have gone away while it waited: its records are carried, nothing may be sent.
    if (unloading()) return fail(UNLOADING);
    const parsed = sessionFrom(value);
    if (!parsed) return { kind: 'retry', error: new LogferryError('LOGFERRY_PROTOCOL', 'session() gave no { token, expires, system, application, environment }') };
    if (parsed.url !== undefined) {
      try {
        checkUrl('session().url', parsed.url, allowInsecure);
      } catch (error) {
        return { kind: 'fatal', error: error as LogferryError };
      }
    }
    // Datamix's clock as the server read it: the time window is judged by it before any Date header is readable (or when none is).
    const serverTime = (value as SessionAnswer).serverTime;
    const now = Date.now();
    if (typeof serverTime === 'number') clock.observe(new Date(serverTime).toUTCString(), now, now);
    created();
    return { kind: 'session', session: parsed };
  };
}
