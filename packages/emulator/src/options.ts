import { badOption } from './errors.js';
import { resolveEventsOptions, type ResolvedEventsOptions } from './initialStateEventsOptions.js';
import type { DatamixDestinationParts, EmulatorOptions } from './types.js';

export interface ResolvedOptions {
  port: number;
  host: string;
  datamix: {
    keys: Map<string, DatamixDestinationParts>;
    sessionTtlMs: number;
    pastWindowMs: number;
    futureWindowMs: number;
    maxRecords: number;
    /** 0: no cap. */
    sessionBytesPerSec: number;
  };
  initialState: {
    clientKeys: Set<string>;
    maxBodyBytes: number;
    maxRecords: number;
  };
  initialStateEvents: ResolvedEventsOptions;
  clockOffsetMs: number;
  maxBodyBytes: number;
}

const DEFAULT_DATAMIX_KEYS: Record<string, DatamixDestinationParts> = {
  'test-key': { system: 'test', application: 'app', environment: 'dev' },
};

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw badOption(`${name} must be a non-negative integer, got ${String(value)}`);
  return value;
}

function finiteNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value)) throw badOption(`${name} must be a finite number, got ${String(value)}`);
  return value;
}

/** Bounded so the shifted clock still prints as an HTTP date. */
function clockOffset(value: number | undefined): number {
  const offset = finiteNumber('clockOffsetMs', value, 0);
  if (Math.abs(offset) > 100 * 365 * 86_400_000) throw badOption(`clockOffsetMs must be within 100 years, got ${offset}`);
  return offset;
}

function destinationParts(parts: DatamixDestinationParts): DatamixDestinationParts {
  for (const field of ['system', 'application', 'environment'] as const) {
    const value = parts[field];
    // A dot or slash would make the destination string ambiguous in the URL path.
    if (typeof value !== 'string' || value === '' || /[./]/.test(value)) {
      // The key itself is a secret: the message names the field only.
      throw badOption(`a datamix.keys entry has an invalid ${field}: use a non-empty string without '.' or '/'`);
    }
  }
  return { system: parts.system, application: parts.application, environment: parts.environment };
}

/** Fills defaults and checks every option once, so the rest of the emulator works with precise values. */
export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const port = nonNegativeInteger('port', options.port, 0);
  if (port > 65535) throw badOption(`port must be at most 65535, got ${port}`);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw badOption('host must be a non-empty string');

  const keys = new Map<string, DatamixDestinationParts>();
  for (const [key, parts] of Object.entries(options.datamix?.keys ?? DEFAULT_DATAMIX_KEYS)) {
    if (key === '') throw badOption('datamix.keys must not contain an empty key');
    keys.set(key, destinationParts(parts));
  }

  const clientKeys = new Set<string>();
  for (const key of options.initialState?.clientKeys ?? ['test-client-key']) {
    if (typeof key !== 'string' || key === '') throw badOption('initialState.clientKeys must hold non-empty strings');
    clientKeys.add(key);
  }

  const maxRecords = nonNegativeInteger('maxRecords', options.maxRecords, 100_000);
  return {
    port,
    host,
    datamix: {
      keys,
      sessionTtlMs: nonNegativeInteger('datamix.sessionTtlMs', options.datamix?.sessionTtlMs, 3_600_000),
      pastWindowMs: nonNegativeInteger('datamix.pastWindowMs', options.datamix?.pastWindowMs, 600_000),
      futureWindowMs: nonNegativeInteger('datamix.futureWindowMs', options.datamix?.futureWindowMs, 10_000),
      maxRecords,
      sessionBytesPerSec: nonNegativeInteger('datamix.sessionBytesPerSec', options.datamix?.sessionBytesPerSec, 0),
    },
    initialState: {
      clientKeys,
      maxBodyBytes: nonNegativeInteger('initialState.maxBodyBytes', options.initialState?.maxBodyBytes, 1_048_576),
      maxRecords,
    },
    initialStateEvents: resolveEventsOptions(options.initialStateEvents, maxRecords),
    clockOffsetMs: clockOffset(options.clockOffsetMs),
    maxBodyBytes: nonNegativeInteger('maxBodyBytes', options.maxBodyBytes, 16 * 1024 * 1024),
  };
}
