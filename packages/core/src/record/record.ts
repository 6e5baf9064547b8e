import type { BodyWriter } from './bodyWriter.js';
import type { DatamixLevel } from './levels.js';
import { pinoText, type PinoSpans } from './pinoText.js';
import { utf8 } from './utf8.js';

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

/** A record's message text (read from pino's line when that was kept). */
export function textOf(record: MessageSource): string {
  const spans = spansOf(record);
  return spans ? pinoText(spans) : (record.text as string);
}

/** A record's message as a JSON string literal. */
export function jsonOf(record: MessageSource): string {
  return JSON.stringify(textOf(record));
}

const FIELDS_OPEN = utf8('{');
const FIELDS_OPEN_AFTER_MSG = utf8(' {');
const FIELDS_CLOSE = utf8('}');

/**
 * Writes a record's message text into `body` as the inside of a JSON string
 * (what `jsonOf` gives without its quotes), byte by byte, when the text is
 * plain ASCII, the usual log line: nothing is built on the heap. A pino line's
 * message is copied as pino escaped it, its fields with their quotes and
 * backslashes escaped (`msg {fields}`, as pinoText reads them). False, with
 * the body to be rolled back by the caller, for anything else, or for text
 * that may be longer than `maxLength`: the caller writes that record with textOf.
 */
export function writeTextChars(body: BodyWriter, record: MessageSource, maxLength = Infinity): boolean {
  const spans = spansOf(record);
  if (!spans) {
    const text = record.text as string;
    return text.length <= maxLength && body.stage(text) && body.chars(0, text.length);
  }
  const { line, msgStart, msgEnd, fieldsStart, fieldsEnd } = spans;
  const fields = fieldsEnd - fieldsStart;
  // An escaped message is longer than its text, so this never passes text that needs capping.
  if (msgEnd - msgStart + (fields === 0 ? 0 : fields + (msgStart === msgEnd ? 2 : 3)) > maxLength) return false;
  // The message was checked when the line was read (a JSON string: no raw control character).
  if (!body.stage(line)) return false;
  body.copy(msgStart, msgEnd);
  if (fieldsStart === fieldsEnd) return true;
  body.ascii(msgStart === msgEnd ? FIELDS_OPEN : FIELDS_OPEN_AFTER_MSG);
  if (!body.chars(fieldsStart, fieldsEnd)) return false;
  body.ascii(FIELDS_CLOSE);
  return true;
}
