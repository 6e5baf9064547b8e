/**
 * Turns a record into the one string Datamix takes per message, losing nothing
 * the user logged: `msg` then the other fields as compact JSON (`text`), or the
 * whole record as JSON (`json`).
 */

export type MessageFormat = 'text' | 'json' | 'formatted';

function errorToJson(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const key of Object.keys(error)) out[key] = (error as unknown as Record<string, unknown>)[key];
  if (error.cause !== undefined) out.cause = error.cause;
  return out;
}

/** Objects nested deeper than this are cut: JSON.stringify would overflow the stack (and throw) a few thousand levels down. */
export const MAX_DEPTH = 1000;
const TOO_DEEP = `[cut: nested deeper than ${MAX_DEPTH} levels]`;

/**
 * JSON.stringify that never throws: circular references become "[Circular]",
 * BigInt becomes its decimal string, Errors keep message and stack, and what
 * is nested deeper than MAX_DEPTH becomes a marker saying it was cut.
 */
export function safeStringify(value: unknown): string {
  // The common record is flat: plain JSON.stringify writes it the same, several times faster.
  if (isFlat(value)) return JSON.stringify(value);
  // Only ancestors count as a cycle: an object referenced twice side by side is written twice.
  const holders: unknown[] = [];
  const originals: unknown[] = [];
  const out = JSON.stringify(value, function replacer(this: unknown, _key: string, v: unknown) {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v !== 'object' || v === null) return v;
    if (v instanceof BigInt) return v.toString();
    while (holders.length > 0 && holders[holders.length - 1] !== this) {
      holders.pop();
      originals.pop();
    }
    if (holders.length >= MAX_DEPTH) return TOO_DEEP;
    if (originals.includes(v)) return '[Circular]';
    const written = v instanceof Error ? errorToJson(v) : v;
    holders.push(written);
    originals.push(v);
    return written;
  });
  return out ?? '';
}

/** A plain object whose values are all strings, finite-or-not numbers, booleans, null or undefined. */
function isFlat(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== null && typeof v === 'object') return false;
    if (typeof v === 'bigint' || typeof v === 'function') return false;
  }
  return true;
}

/**
 * Sets an own, enumerable field, also one called `__proto__` (plain assignment
 * would set the prototype and lose the field). Records stay ordinary objects,
 * which keep V8's fast properties: a null-prototype object is in dictionary
 * mode and several times slower to fill and to JSON.stringify.
 */
export function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function messageOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return safeStringify(value);
}

/** Text for a record given as an object (createClient().log, winston, a parsed pino line). */
export function formatRecordText(record: Record<string, unknown>, format: MessageFormat, messageKey = 'msg'): string {
  if (format === 'json') return safeStringify(record);
  // The logger already formatted the line (winston's info[MESSAGE], put in the message by the transport).
  if (format === 'formatted') return messageOf(Object.hasOwn(record, messageKey) ? record[messageKey] : record.message);
  let message = '';
  const rest: Record<string, unknown> = {};
  let hasRest = false;
  // level and time travel in Datamix's own fields; `timestamp` too when it is the record's time.
  const timestampIsTime = record.time === undefined;
  const messageAlias = messageKey === 'msg' && !Object.hasOwn(record, 'msg');
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (key === messageKey || (messageAlias && key === 'message')) {
      message = messageOf(value);
    } else if (key !== 'level' && key !== 'time' && !(timestampIsTime && key === 'timestamp') && value !== undefined) {
      setField(rest, key, value);
      hasRest = true;
    }
  }
  if (!hasRest) return message;
  const json = safeStringify(rest);
  return message === '' ? json : `${message} ${json}`;
}
