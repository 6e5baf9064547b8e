import type { DatamixLevel } from './levels.js';
import { pinoJson, type FastLine } from './pinoLine.js';

/** One log record after normalisation: what every sink consumes. */
export interface LogRecord {
  level: DatamixLevel;
  /** The record's own time, ms since the epoch. */
  time: number;
  /**
   * The message text: `msg` followed by the other fields as compact JSON (or the
   * whole record as JSON). Absent when the intake kept pino's line instead.
   */
  text?: string;
  /** The pino line the message is read from, when the fast path took it (see FastLine). */
  pino?: FastLine;
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

/** A record's message text (decoded from pino's line when that was kept). */
export function textOf(record: Pick<LogRecord, 'text' | 'pino'>): string {
  return record.text ?? (JSON.parse(pinoJson(record.pino as FastLine)) as string);
}

/** A record's message as a JSON string literal. */
export function jsonOf(record: Pick<LogRecord, 'text' | 'pino'>): string {
  return record.pino ? pinoJson(record.pino) : JSON.stringify(record.text);
}
