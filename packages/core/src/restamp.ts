import type { PinoSpans } from './pinoLine.js';
import { textOf, type LogRecord } from './record.js';

/** A record moved into the time window: sent at `now`, its original time kept at the front of the message. */
export function restamp(record: Pick<LogRecord, 'time' | 'text' | keyof PinoSpans>, now: number): { time: number; text: string } {
  return { time: now, text: `[original time ${new Date(record.time).toISOString()}] ${textOf(record)}` };
}
