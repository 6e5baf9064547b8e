import type { DatamixLevel } from './levels.js';
import { pinoText, type PinoSpans } from './pinoLine.js';

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
