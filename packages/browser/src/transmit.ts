import { createBrowserLogger } from './logger.js';
import type { BrowserLogger, BrowserLoggerOptions } from './types.js';

/** What pino's browser build hands `transmit.send` (with `browser.asObject` or not). */
export interface PinoLogEvent {
  ts: number;
  messages: unknown[];
  bindings: Record<string, unknown>[];
  level: { label: string; value: number };
}

export interface TransmitOptions extends Partial<BrowserLoggerOptions> {
  /** The lowest level pino transmits (pino's `transmit.level`); default: the logger's own level. */
  level?: string;
  /** An existing logger to send through; otherwise one is created from these options. */
  logger?: BrowserLogger;
}

/**
 * pino's browser `transmit`: `pino({ browser: { transmit: transmit({ session }) } })`.
 * Each logEvent becomes one record: `ts` its time, `bindings` and an object
 * first argument its fields, an Error first argument its `err`, the other
 * arguments its message; pino's level label maps as on the server.
 */
export function transmit(options: TransmitOptions): { level?: string; send(level: string, logEvent: PinoLogEvent): void } {
  const logger = options.logger ?? createBrowserLogger(options as BrowserLoggerOptions);
  const send = (level: string, event: PinoLogEvent): void => {
    const record: Record<string, unknown> = {};
    for (const binding of event.bindings ?? []) Object.assign(record, binding);
    const messages = [...(event.messages ?? [])];
    const first = messages[0];
    if (first instanceof Error) {
      record.err = first;
      messages.shift();
      if (messages.length === 0) messages.push(first.message);
    } else if (typeof first === 'object' && first !== null) {
      Object.assign(record, first);
      messages.shift();
    }
    record.level = event.level?.label ?? level;
    record.time = event.ts;
    record.msg = messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
    logger.log(record);
  };
  return options.level === undefined ? { send } : { level: options.level, send };
}
