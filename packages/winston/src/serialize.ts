import { safeStringify } from '@logferry/core';

const MESSAGE = Symbol.for('message');

/** winston's `info` object as one JSON line: level, time, message and every metadata field. */
export interface WinstonInfo {
  level: string;
  message?: unknown;
  timestamp?: unknown;
  [key: string | symbol]: unknown;
}

/** The record's own time: its `timestamp` (any format `format.timestamp()` produces) or now. */
export function timeOfInfo(info: WinstonInfo, now: number): number {
  const ts = info.timestamp;
  if (typeof ts === 'number' && Number.isFinite(ts)) return ts;
  if (ts instanceof Date && !Number.isNaN(ts.getTime())) return ts.getTime();
  if (typeof ts === 'string') {
    const parsed = Date.parse(ts);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return now;
}

/** The record as plain data, in the shape the core reads (`level`, `time`, `message`, fields). */
export function recordOf(info: WinstonInfo, now: number, formatted = false): Record<string, unknown> {
  const record: Record<string, unknown> = { level: info.level, time: timeOfInfo(info, now) };
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    record[key] = info[key];
  }
  // format: 'formatted' ships winston's own formatted line; formats such as printf put their
  // output only in info[MESSAGE], so it is also the message whenever there is no other.
  if ((formatted || record.message === undefined) && typeof info[MESSAGE] === 'string') record.message = info[MESSAGE];
  return record;
}

export function serializeInfo(info: WinstonInfo, now: number, formatted = false): string {
  return `${safeStringify(recordOf(info, now, formatted))}\n`;
}
