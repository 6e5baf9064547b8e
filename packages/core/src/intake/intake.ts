import type { LevelMap, DatamixLevel } from '../record/levels.js';
import { formatRecordText, safeStringify, type MessageFormat } from '../record/messageText.js';
import { pinoJsonLength, type PinoSpans } from '../record/pinoText.js';
import type { LogInput, LogRecord } from '../record/record.js';
import { timeOf } from '../record/time.js';
import { parseLineSlow, scanPinoLine } from './pinoLine.js';

/** A record as a spool keeps it: already normalised. */
export interface LogEntry {
  level: DatamixLevel;
  time: number;
  text: string;
  fields?: LogRecord['fields'];
}

export interface IntakeOptions {
  levels: LevelMap;
  /** pino's messageKey (`msg`), or winston's `message`. */
  messageKey: string;
  format: MessageFormat;
  /** Initial State's `sink.fields`: scalar fields also kept on the record. */
  fieldNames: readonly string[];
  /** The record's estimated size on the wire, from its message length (the sink's estimate). */
  sizeOf: (messageLength: number) => number;
}

/** The spans of a record that keeps its text (no pino line): numbers, so its fields hold the same kinds as a pino record's. */
const NO_SPANS: Partial<PinoSpans> = { line: undefined, fieldsStart: 0, fieldsEnd: 0, msgStart: 0, msgEnd: 0 };

/**
 * Turns what a logger hands over (an object, a pino JSON line, a spool entry)
 * into a LogRecord, numbered in arrival order. A pino line keeps its text in
 * place when the fast path can read it (no JSON.parse, no message string).
 */
export class Intake {
  private seq = 0;

  constructor(private readonly options: IntakeOptions) {}

  /** The number of the last record made. */
  get lastSeq(): number {
    return this.seq;
  }

  fromInput(input: LogInput, now: number): LogRecord {
    if (typeof input !== 'object' || input === null) {
      return this.text('info', now, typeof input === 'string' ? input : safeStringify(input), undefined);
    }
    const record = input as Record<string, unknown>;
    const { levels, format, messageKey } = this.options;
    return this.text(levels.from(record.level), timeOf(record.time ?? record.timestamp, now), formatRecordText(record, format, messageKey), this.fieldsOf(record));
  }

  fromEntry(entry: LogEntry): LogRecord {
    return this.text(entry.level, entry.time, entry.text, entry.fields);
  }

  /** A line (not empty): pino's own shape by the fast path, other JSON parsed, anything else kept as the message. */
  fromLine(line: string): LogRecord {
    const { levels, format, messageKey, fieldNames } = this.options;
    if (fieldNames.length === 0 && format === 'text') {
      const fast = scanPinoLine(line, levels, messageKey);
      if (fast) return this.make(fast.level, fast.time, undefined, fast, undefined, pinoJsonLength(fast));
    }
    const now = Date.now();
    const parsed = parseLineSlow(line, levels, format, messageKey, now);
    // Not JSON: keep the line as the message rather than lose it.
    if (!parsed) return this.text('info', now, line, undefined);
    return this.text(parsed.level, parsed.time, parsed.text, parsed.object ? this.fieldsOf(parsed.object) : undefined);
  }

  private fieldsOf(record: Record<string, unknown>): LogRecord['fields'] {
    if (this.options.fieldNames.length === 0) return undefined;
    let fields: Record<string, string | number | boolean> | undefined;
    for (const name of this.options.fieldNames) {
      const v = record[name];
      if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
        (fields ??= {})[name] = v;
      }
    }
    return fields;
  }

  private text(level: DatamixLevel, time: number, text: string, fields: LogRecord['fields']): LogRecord {
    return this.make(level, time, text, NO_SPANS, fields, text.length);
  }

  /** Every record is made here: all fields, in one order, so both kinds (text, pino line) share one shape. */
  private make(level: DatamixLevel, time: number, text: string | undefined, spans: Partial<PinoSpans>, fields: LogRecord['fields'], messageLength: number): LogRecord {
    return {
      level,
      time,
      text,
      line: spans.line,
      fieldsStart: spans.fieldsStart,
      fieldsEnd: spans.fieldsEnd,
      msgStart: spans.msgStart,
      msgEnd: spans.msgEnd,
      fields,
      seq: ++this.seq,
      bytes: this.options.sizeOf(messageLength),
    };
  }
}
