import { badOption } from './errors.js';
import type { InitialStateEventsOptions } from './initialStateEventsTypes.js';
import type { RateWindow } from './rateLimit.js';

export interface ResolvedEventsOptions {
  accessKeys: Set<string>;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
  rateLimit: RateWindow | undefined;
  maxRecords: number;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw badOption(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** The Events API's options, checked once. */
export function resolveEventsOptions(options: InitialStateEventsOptions = {}, maxRecords: number): ResolvedEventsOptions {
  const accessKeys = new Set<string>();
  for (const key of options.accessKeys ?? ['test-access-key']) {
    if (typeof key !== 'string' || key === '') throw badOption('initialStateEvents.accessKeys must hold non-empty strings');
    accessKeys.add(key);
  }
  const rate = options.rateLimit ?? { limit: 30, windowMs: 10_000 };
  return {
    accessKeys,
    maxBodyBytes: positiveInteger('initialStateEvents.maxBodyBytes', options.maxBodyBytes, 1_048_576),
    maxEventsPerRequest: positiveInteger('initialStateEvents.maxEventsPerRequest', options.maxEventsPerRequest, 10),
    rateLimit:
      rate === false
        ? undefined
        : { limit: positiveInteger('initialStateEvents.rateLimit.limit', rate.limit, 30), windowMs: positiveInteger('initialStateEvents.rateLimit.windowMs', rate.windowMs, 10_000) },
    maxRecords,
  };
}
