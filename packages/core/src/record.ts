import type { DatamixLevel } from './levels.js';
import { pinoJson, type PinoSpans } from './pinoLine.js';

/**
 * One log record after normalisation: what every sink consumes. A record kept
 * as pino's line (the fast path) has `line` and its spans instead of `text`;
 * the intake gives both kinds every field, in one order, so they share one shape.
 */
export interface LogRecord extends Partial<PinoSpans> {
  level: DatamixLevel;
  /** The record's own time, ms since the epoch. */
  time: number;
  /**
   * The message text: `msg` followed by the other fields as compact JSON (or the
   * whole record as JSON). Absent when the intake kept pino's `line` instead.
   */
  text?: string;
  /** Scalar fields the Initial State sink also sends as signals (only when `sink.fields` is set). */
  fields?: Record<string, string | number | boolean>;
  /** Position in the pipeline, assigned on entry. */
  seq: number;
  /** Estimated size on the wire, for batch and buffer limits. */
  bytes: number;
}

/** What `client.log()` takes: a level, a time and a message, plus any fields. */
export interface LogInput {
  level?: string | number;
  time?: number | string | Date;
  message?: unknown;
  msg?: unknown;
  [field: string]: unknown;
}

/** What a record's message is read from: its text, or pino's line and spans. */
export type MessageSource = Pick<LogRecord, 'text' | keyof PinoSpans>;

/** A record's pino line and spans, when the fast path kept them. */
export function spansOf(record: Partial<PinoSpans>): PinoSpans | undefined {
  return record.line === undefined ? undefined : (record as PinoSpans);
}

/**
 * A record's message text. From pino's line: its message (decoded only when
 * pino escaped something in it) and its fields as they are, the same text
 * `pinoJson` encodes.
 */
export function textOf(record: MessageSource): string {
  const spans = spansOf(record);
  if (!spans) return record.text as string;
  const { line, fieldsStart, fieldsEnd, msgStart, msgEnd } = spans;
  const escape = line.indexOf('\\', msgStart);
  const msg = escape === -1 || escape >= msgEnd ? line.slice(msgStart, msgEnd) : (JSON.parse(line.slice(msgStart - 1, msgEnd + 1)) as string);
  if (fieldsStart === fieldsEnd) return msg;
  const fields = line.slice(fieldsStart, fieldsEnd);
  return msg === '' ? `{${fields}}` : `${msg} {${fields}}`;
}

/** A record's message as a JSON string literal. */
export function jsonOf(record: MessageSource): string {
  const spans = spansOf(record);
  return spans ? pinoJson(spans) : JSON.stringify(record.text);
}
