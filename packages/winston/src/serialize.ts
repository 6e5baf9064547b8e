import { safeStringify, setField, type DatamixLevel } from '@logferry/core';

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
    setField(record, key, info[key]);
  }
  // format: 'formatted' ships winston's own formatted line; formats such as printf put their
  // output only in info[MESSAGE], so it is also the message whenever there is no other.
  if ((formatted || record.message === undefined) && typeof info[MESSAGE] === 'string') record.message = info[MESSAGE];
  return record;
}

export function serializeInfo(info: WinstonInfo, now: number, formatted = false): string {
  return `${safeStringify(recordOf(info, now, formatted))}\n`;
}

/** pino's numbers for the Datamix levels: the worker's fast path reads them back exactly. */
const PINO_NUMBER: Record<DatamixLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * The same record in the shape of a pino line — `{"level":N,"time":N,<fields>,"message":"…"}`,
 * the level already mapped on this thread — so the worker takes its fast path
 * (no JSON.parse, no second serialisation) and ships the same text. undefined
 * when the message is not a string or the time not an integer: serializeInfo then.
 */
export function serializeFast(info: WinstonInfo, now: number, level: DatamixLevel): string | undefined {
  const message = info.message;
  if (typeof message !== 'string') return undefined;
  const time = timeOfInfo(info, now);
  if (!Number.isSafeInteger(time) || time < 0) return undefined;
  const head = `{"level":${PINO_NUMBER[level]},"time":${time},`;
  const tail = `"message":${JSON.stringify(message)}}\n`;
  const fields = fieldsJson(info);
  return fields === '{}' ? head + tail : `${head}${fields.slice(1, -1)},${tail}`;
}

const OWN_KEYS = new Set(['level', 'timestamp', 'message']);

/** The JSON of info's fields other than level, timestamp and message, copied to an ordinary object (see setField). */
function fieldsJson(info: WinstonInfo): string {
  let rest: Record<string, unknown> | undefined;
  for (const key of Object.keys(info)) if (!OWN_KEYS.has(key)) setField((rest ??= {}), key, info[key]);
  return rest ? safeStringify(rest) : '{}';
}
