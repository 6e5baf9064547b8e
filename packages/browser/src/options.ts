import { LogferryError } from '@logferry/core/portable';
import type { ShipperOptions } from './shipper.js';
import type { BrowserLoggerOptions } from './types.js';
import { BODY_OVERHEAD, KEEPALIVE_BUDGET } from './keepalive.js';

/** A batch always fits one keepalive request, so the request under way at unload still arrives. */
export const MAX_BATCH_BYTES = KEEPALIVE_BUDGET - BODY_OVERHEAD * 4;

export interface ResolvedBrowserOptions extends ShipperOptions {
  retry: ShipperOptions['retry'] & { requestTimeoutMs: number };
  stale: 'drop' | 'restamp';
  carryOver: { name: string; maxBytes: number } | undefined;
}

/** Each whole-number option: [default, min, max]. */
const NUMBERS = {
  batch: { maxEvents: [500, 1, 1e5], maxBytes: [MAX_BATCH_BYTES, 1024, MAX_BATCH_BYTES], intervalMs: [1000, 0, 6e5] },
  buffer: { maxBytes: [1 << 20, 1 << 16, 1 << 26] },
  retry: { baseMs: [500, 1, 6e5], maxMs: [3e4, 1, 36e5], maxElapsedMs: [3e5, 0, 864e5], requestTimeoutMs: [15e3, 100, 6e5] },
  carryOver: { maxBytes: [1 << 19, 1024, 1 << 22] },
} as const;

type Group = keyof typeof NUMBERS;

function bad(field: string, expected: string): never {
  throw new LogferryError('LOGFERRY_BAD_OPTION', `${field}: expected ${expected}`);
}

/** The group's whole numbers from `given`, defaults filled in; a LogferryError naming the field otherwise. */
function numbers<G extends Group>(group: G, given: object | undefined): Record<keyof (typeof NUMBERS)[G], number> {
  const out: Record<string, number> = {};
  for (const [key, [fallback, min, max]] of Object.entries(NUMBERS[group]) as [string, readonly number[]][]) {
    const v = (given as Record<string, unknown> | undefined)?.[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= (min as number) && (v as number) <= (max as number))) bad(`${group}.${key}`, `a whole number from ${min} to ${max}`);
    out[key] = (v as number | undefined) ?? (fallback as number);
  }
  return out as Record<keyof (typeof NUMBERS)[G], number>;
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (value !== undefined && !allowed.includes(value as T)) bad(field, allowed.join(' or '));
  return (value ?? allowed[0]) as T;
}

/**
 * The page's options, checked once (the server's zod schema is too big to
 * ship to a page; these are its browser-relevant fields, with browser defaults).
 */
export function resolveBrowserOptions(o: BrowserLoggerOptions): ResolvedBrowserOptions {
  if (typeof o?.session !== 'function') bad('session', 'a function that asks your server for a Datamix session');
  const carry = o.carryOver === false ? undefined : o.carryOver;
  return {
    batch: numbers('batch', o.batch),
    buffer: { ...numbers('buffer', o.buffer), whenFull: oneOf('buffer.whenFull', o.buffer?.whenFull, ['drop-oldest', 'drop-newest'] as const) },
    retry: numbers('retry', o.retry),
    stale: oneOf('stale', o.stale, ['drop', 'restamp'] as const),
    carryOver: o.carryOver === false ? undefined : { name: carry?.name || 'default', ...numbers('carryOver', carry) },
  };
}
