import { flatFieldsJson } from './flatFields.js';
import { lineHead, lineTail, MESSAGE_KEY } from './lineEnds.js';
import { safeStringify, setField, levelMapFor, timeOf, type DatamixLevel, type LevelMap, type ResolvedOptions, type WorkerStreamSetup } from '@logferry/core';

/*
 * The winston transport's wire format: what log() writes into thread-stream
 * on the main thread and how the worker reads it back. One line per record,
 * in one of two forms:
 *
 *   fast     {"level":N,"time":N,<fields>,"message":"…"}   pino's shape: N is
 *            the pino number of the Datamix level already mapped here, time
 *            an integer; not for a record with a field named `time`. The
 *            worker's core takes its pino fast path (no JSON.parse, the text
 *            shipped as written).
 *   general  {"level":"<winston name>","time":…,<info's other keys>}   any
 *            record; the worker maps the level with the logger's level set.
 *
 * The reader is core's own intake (Client.logLine behind createWorkerStream)
 * set up by readerSetup: the message key is `message`, the levels winston's.
 */

const MESSAGE = Symbol.for('message');


/** winston's `info` object as one JSON line: level, time, message and every metadata field. */
export interface WinstonInfo {
  level: string;
  message?: unknown;
  timestamp?: unknown;
  [key: string | symbol]: unknown;
}

/** What the worker hands to createWorkerStream so that it reads these lines. */
export function readerSetup(winstonLevels: Record<string, number>): Pick<WorkerStreamSetup, 'levels' | 'messageKey'> {
  return { levels: { winstonLevels }, messageKey: MESSAGE_KEY };
}

/**
 * The levels for the fast form, or undefined when it is not used: only with
 * format 'text' (the form carries the message and fields as pino's text), and
 * not with an override keyed by a number, which the worker would apply to the
 * fast line's pino number.
 */
export function fastLevelsFor(options: Pick<ResolvedOptions, 'format' | 'levels'>, winstonLevels: Record<string, number>): LevelMap | undefined {
  if (options.format !== 'text') return undefined;
  if (Object.keys(options.levels ?? {}).some((key) => /^\d+$/.test(key))) return undefined;
  return levelMapFor(options.levels, { winstonLevels });
}

/** The line for one record: the fast form when `fastLevels` is given and the record fits it, else the general one. */
export function writeLine(info: WinstonInfo, now: number, formatted: boolean, fastLevels: LevelMap | undefined): string {
  const fast = fastLevels && serializeFast(info, now, fastLevels.from(info.level));
  return fast || serializeInfo(info, now, formatted);
}

/**
 * The record's time as the line carries it: its `timestamp`, or now. A number
 * goes as it is, since the reader applies core's timeOf to it (below 1e11 it
 * is epoch seconds) and reading it here too would convert it twice; a Date or
 * a string (any format `format.timestamp()` produces) is read here, by the
 * same timeOf, into milliseconds.
 */
function wireTime(info: WinstonInfo, now: number): number {
  const ts = info.timestamp;
  return typeof ts === 'number' && Number.isFinite(ts) ? ts : timeOf(ts, now);
}

/** The record as plain data, in the shape the core reads (`level`, `time`, `message`, fields): the general form, and what the inline client logs. */
export function recordOf(info: WinstonInfo, now: number, formatted = false): Record<string, unknown> {
  const record: Record<string, unknown> = { level: info.level, time: wireTime(info, now) };
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    setField(record, key, info[key]);
  }
  // format: 'formatted' ships winston's own formatted line; formats such as printf put their
  // output only in info[MESSAGE], so it is also the message whenever there is no other.
  if ((formatted || record.message === undefined) && typeof info[MESSAGE] === 'string') record.message = info[MESSAGE];
  return record;
}

/** The general form. */
export function serializeInfo(info: WinstonInfo, now: number, formatted = false): string {
  return `${safeStringify(recordOf(info, now, formatted))}\n`;
}

/** pino's numbers for the Datamix levels: the worker's fast path reads them back exactly. */
const PINO_NUMBER: Record<DatamixLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * The fast form, the level already mapped on this thread. undefined when the
 * message is not a string, the time not an integer, or the record has a field
 * named `time`: the general form then. Core reads such a field as the
 * record's time (the general form and the inline client do), while the fast
 * form's own `time` would come first and win.
 */
export function serializeFast(info: WinstonInfo, now: number, level: DatamixLevel): string | undefined {
  const message = info.message;
  if (typeof message !== 'string' || Object.hasOwn(info, 'time')) return undefined;
  const time = wireTime(info, now);
  if (!Number.isSafeInteger(time) || time < 0) return undefined;
  return lineHead(PINO_NUMBER[level], time) + (flatFieldsJson(info, OWN_KEYS) ?? fieldsJson(info)) + lineTail(message);
}

const OWN_KEYS = new Set(['level', 'timestamp', 'message']);

/** info's fields other than level, timestamp and message, copied to an ordinary object (see setField), as JSON members after a comma ('' for none). */
function fieldsJson(info: WinstonInfo): string {
  let rest: Record<string, unknown> | undefined;
  for (const key of Object.keys(info)) if (!OWN_KEYS.has(key)) setField((rest ??= {}), key, info[key]);
  const json = rest ? safeStringify(rest) : '{}';
  return json === '{}' ? '' : `,${json.slice(1, -1)}`;
}
