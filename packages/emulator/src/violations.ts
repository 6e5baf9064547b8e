import type { Clock } from './clock.js';
import type { ApiName, Violation } from './types.js';

/** The single list of protocol violations, shared by both APIs. Details never contain keys or tokens. */
export class ViolationLog {
  readonly list: Violation[] = [];

  constructor(private readonly clock: Clock) {}

  add(api: ApiName, rule: string, detail: string): void {
    this.list.push({ api, rule, detail, at: this.clock() });
  }
}
