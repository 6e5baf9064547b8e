import { textOf, type LogRecord, type MessageSource } from './record.js';

/** A record moved into the time window: sent at `now`, its original time kept at the front of the message. */
export function restamp(record: MessageSource & Pick<LogRecord, 'time'>, now: number): { time: number; text: string } {
  return { time: now, text: `[original time ${new Date(record.time).toISOString()}] ${textOf(record)}` };
}
