import type { DatamixLevel } from '../../record/levels.js';
import { textOf, type LogRecord } from '../../record/record.js';
import { sanitizeSignal } from './signal.js';

/** What a log event's value starts with, by level. */
export const LEVEL_PREFIX: Record<DatamixLevel, string> = { debug: 'DEBUG ', info: 'INFO ', warn: 'WARN ', error: 'ERROR ', fatal: 'FATAL ' };

/** A string value cut to `max` characters, the last one an ellipsis when it was cut. */
export function capValue(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

export type EventValue = string | number | boolean;

/**
 * How a record becomes Initial State events, the same for both APIs: one log
 * event (`signal`, `"<LEVEL> message {fields}"`, capped) and one typed event
 * per configured field the record has (strings capped), all at the record's
 * own time.
 */
export class EventMapping {
  /** The log event's signal name. */
  readonly signal: string;
  /** Each configured field and its signal name. */
  readonly fieldSignals: readonly [field: string, signal: string][];

  constructor(
    options: { signal: string; fields: readonly string[] },
    readonly maxValueLength: number,
  ) {
    this.signal = sanitizeSignal(options.signal);
    this.fieldSignals = options.fields.map((f) => [f, sanitizeSignal(f)]);
  }

  /** The log event's value. */
  logValue(record: LogRecord): string {
    return capValue(LEVEL_PREFIX[record.level] + textOf(record), this.maxValueLength);
  }

  /** A field event's value: the field's own, strings capped. */
  fieldValue(v: EventValue): EventValue {
    return typeof v === 'string' ? capValue(v, this.maxValueLength) : v;
  }

  /** How many field events `record` gives. */
  fieldCount(record: LogRecord): number {
    const fields = record.fields;
    if (!fields) return 0;
    let n = 0;
    for (const [field] of this.fieldSignals) if (fields[field] !== undefined) n++;
    return n;
  }
}
