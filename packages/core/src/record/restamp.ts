import { textOf, type LogRecord, type MessageSource } from './record.js';

/** A record moved into the time window: sent at `now`, its original time kept at the front of the message. */
export function restamp(record: MessageSource & Pick<LogRecord, 'time'>, now: number): { time: number; text: string } {
  // A Date holds ±8.64e15 ms; beyond that (nanosecond epochs, say) toISOString would throw: keep the number.
  const original = Math.abs(record.time) <= 8.64e15 ? new Date(record.time).toISOString() : String(record.time);
  return { time: now, text: `[original time ${original}] ${textOf(record)}` };
}
