import type { Clock } from './clock.js';
import { keepNewest } from './keepNewest.js';
import type { ApiName, Violation } from './types.js';

/**
 * The single list of protocol violations, shared by both APIs. Details never
 * contain keys or tokens. `add()` only appends and counts: one request can add
 * one per message, and trimming a full list per violation would move up to
 * `max` entries each time; the server calls `trim()` once per request.
 */
export class ViolationLog {
  readonly list: Violation[] = [];
  /** Every violation since the start (or the last clear), including those trimmed from `list`. */
  total = 0;

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
  ) {}

  add(api: ApiName, rule: string, detail: string): void {
    this.list.push({ api, rule, detail, at: this.clock() });
    this.total += 1;
  }

  /** Keeps the newest `max` violations. */
  trim(): void {
    keepNewest(this.list, this.max);
  }

  clear(): void {
    this.list.length = 0;
    this.total = 0;
  }
}
