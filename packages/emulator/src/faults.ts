import { badOption } from './errors.js';
import { EventQuota } from './eventQuota.js';
import { seededRandom } from './prng.js';
import type {
  ApiPath,
  EmulatorFaults,
  FailOptions,
  FailRateOptions,
  FaultMatch,
  InjectedFault,
  ResetOptions,
} from './types.js';

/** What the server must do with one API request, decided before it is processed. */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'down' }
  | { kind: 'hang' }
  | { kind: 'reset-before' }
  | { kind: 'reset-after' }
  | { kind: 'delay'; ms: number }
  | { kind: 'fail'; status: number; retryAfter: string | undefined; body: unknown };

type QueuedFault = { remaining: number; path: ApiPath | undefined } & (
  | { kind: 'fail'; status: number; retryAfter: string | undefined; body: unknown }
  | { kind: 'reset'; when: 'before' | 'after' }
  | { kind: 'delay'; ms: number }
  | { kind: 'hang' }
);

interface FailRateRule {
  rate: number;
  status: number;
  retryAfter: string | undefined;
  path: ApiPath | undefined;
  random: () => number;
}

const API_PATHS: readonly ApiPath[] = ['sessions', 'logs', 'buckets', 'batch_logs', 'api/buckets', 'api/events'];

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw badOption(`fault count must be a positive integer, got ${String(count)}`);
}

function checkMs(name: string, ms: number): void {
  if (Number.isNaN(ms) || ms < 0) throw badOption(`${name} must be a non-negative number of milliseconds, got ${String(ms)}`);
}

function checkStatus(status: number): void {
  if (!Number.isInteger(status) || status < 100 || status > 599) throw badOption(`fault status must be an HTTP status (100-599), got ${String(status)}`);
}

function checkRetryAfter(retryAfter: string | undefined): void {
  if (retryAfter !== undefined && (typeof retryAfter !== 'string' || /[\r\n]/.test(retryAfter))) {
    throw badOption('retryAfter must be a header value: a string without line breaks');
  }
}

function checkPath(match: FaultMatch | undefined): ApiPath | undefined {
  const path = match?.path;
  if (path !== undefined && !API_PATHS.includes(path)) throw badOption(`fault path must be one of ${API_PATHS.join(', ')}, got ${String(path)}`);
  return path;
}

/**
 * The fault plan. Precedence for each API request: an outage (`down`), then `hangSessions` (POST /sessions only),
 * then the FIFO queue (first fault whose path matches), then `failRate` rules. Durations use real time, not the
 * shifted server clock, because they describe the test's timeline.
 */
export class FaultController implements EmulatorFaults {
  readonly injected: InjectedFault[] = [];
  /** The `quota(n)` fault, which the Events API consults once it knows a request's events. */
  readonly eventQuota = new EventQuota(() => this.injected.push({ kind: 'quota', path: '/api/events' }));
  private queue: QueuedFault[] = [];
  private rates: FailRateRule[] = [];
  private downUntil = 0;
  private hangSessionsUntil = 0;
  /** Keys refused as revoked (see refuseKey); the services read this set. */
  readonly refusedKeys = new Set<string>();

  constructor(private readonly onSessionTtl: (ms: number) => void) {}

  failNext(count: number, opts: FailOptions): void {
    checkCount(count);
    checkStatus(opts.status);
    checkRetryAfter(opts.retryAfter);
    if (opts.body !== undefined) {
      try {
        JSON.stringify(opts.body);
      } catch {
        throw badOption('failNext body must be JSON-serialisable');
      }
    }
    this.queue.push({ kind: 'fail', remaining: count, path: checkPath(opts), status: opts.status, retryAfter: opts.retryAfter, body: opts.body });
  }

  resetNext(count: number, opts?: ResetOptions): void {
    checkCount(count);
    const when = opts?.when ?? 'before';
    if (when !== 'before' && when !== 'after') throw badOption(`resetNext when must be 'before' or 'after', got ${String(when)}`);
    this.queue.push({ kind: 'reset', remaining: count, path: checkPath(opts), when });
  }

  delayNext(count: number, ms: number, opts?: FaultMatch): void {
    checkCount(count);
    checkMs('delayNext ms', ms);
    this.queue.push({ kind: 'delay', remaining: count, path: checkPath(opts), ms });
  }

  hangNext(count: number, opts?: FaultMatch): void {
    checkCount(count);
    this.queue.push({ kind: 'hang', remaining: count, path: checkPath(opts) });
  }

  down(ms = Infinity): void {
    checkMs('down ms', ms);
    this.downUntil = Date.now() + ms;
  }

  failRate(rate: number, opts: FailRateOptions): void {
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw badOption(`failRate rate must be between 0 and 1, got ${String(rate)}`);
    checkStatus(opts.status);
    checkRetryAfter(opts.retryAfter);
    const seed = opts.seed ?? 1;
    if (!Number.isInteger(seed)) throw badOption(`failRate seed must be an integer, got ${String(seed)}`);
    this.rates.push({ rate, status: opts.status, retryAfter: opts.retryAfter, path: checkPath(opts), random: seededRandom(seed) });
  }

  hangSessions(ms = Infinity): void {
    checkMs('hangSessions ms', ms);
    this.hangSessionsUntil = Date.now() + ms;
  }

  quota(events: number): void {
    if (!Number.isInteger(events) || events < 0) throw badOption(`quota events must be a non-negative integer, got ${String(events)}`);
    this.eventQuota.set(events);
  }

  setSessionTtl(ms: number): void {
    if (!Number.isInteger(ms) || ms < 0) throw badOption(`setSessionTtl ms must be a non-negative integer, got ${String(ms)}`);
    this.onSessionTtl(ms);
  }

  refuseKey(key: string): void {
    if (typeof key !== 'string' || key === '') throw badOption('refuseKey key must be a non-empty string');
    this.refusedKeys.add(key);
  }

  clear(): void {
    this.refusedKeys.clear();
    this.queue = [];
    this.rates = [];
    this.downUntil = 0;
    this.hangSessionsUntil = 0;
    this.eventQuota.clear();
  }

  /** Decides, and records as injected, the fault for one request to an API path. */
  decide(path: ApiPath, pathname: string): FaultDecision {
    const picked = this.pick(path);
    if (picked !== undefined) {
      this.injected.push({ kind: picked.name, path: pathname });
      return picked.decision;
    }
    return { kind: 'none' };
  }

  private pick(path: ApiPath): { name: string; decision: FaultDecision } | undefined {
    const now = Date.now();
    if (now < this.downUntil) return { name: 'down', decision: { kind: 'down' } };
    if (path === 'sessions' && now < this.hangSessionsUntil) return { name: 'hang-sessions', decision: { kind: 'hang' } };
    const index = this.queue.findIndex((fault) => fault.path === undefined || fault.path === path);
    const fault = this.queue[index];
    if (fault !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining === 0) this.queue.splice(index, 1);
      switch (fault.kind) {
        case 'fail':
          return { name: 'fail', decision: { kind: 'fail', status: fault.status, retryAfter: fault.retryAfter, body: fault.body } };
        case 'reset': {
          const kind = fault.when === 'before' ? 'reset-before' : 'reset-after';
          return { name: kind, decision: { kind } };
        }
        case 'delay':
          return { name: 'delay', decision: { kind: 'delay', ms: fault.ms } };
        case 'hang':
          return { name: 'hang', decision: { kind: 'hang' } };
      }
    }
    for (const rule of this.rates) {
      if (rule.path !== undefined && rule.path !== path) continue;
      // A rule draws once for each matching request it sees, so the outcome depends only on the seed and request order.
      if (rule.random() < rule.rate) {
        return { name: 'fail-rate', decision: { kind: 'fail', status: rule.status, retryAfter: rule.retryAfter, body: undefined } };
      }
    }
    return undefined;
  }
}
