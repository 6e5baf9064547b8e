/**
 * Turns a record into the one string Datamix takes per message, losing nothing
 * the user logged: `msg` then the other fields as compact JSON (`text`), or the
 * whole record as JSON (`json`).
 */

export type MessageFormat = 'text' | 'json';

function errorToJson(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const key of Object.keys(error)) out[key] = (error as unknown as Record<string, unknown>)[key];
  if (error.cause !== undefined) out.cause = error.cause;
  return out;
}

/**
 * JSON.stringify that never throws: circular references become "[Circular]",
 * BigInt becomes its decimal string, Errors keep message and stack.
 */
export function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  const out = JSON.stringify(value, function replacer(this: unknown, _key: string, v: unknown) {
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[Circular]';
      seen.add(v);
      if (v instanceof Error) return errorToJson(v);
    }
    return v;
  });
  return out ?? '';
}

/** Keys that are carried in Datamix's own fields and so are not repeated in the text. */
const TIME_KEYS = new Set(['level', 'time', 'timestamp']);

export function messageOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return safeStringify(value);
}

/** Text for a record given as an object (createClient().log, winston, a parsed pino line). */
export function formatRecordText(record: Record<string, unknown>, format: MessageFormat, messageKey = 'msg'): string {
  if (format === 'json') return safeStringify(record);
  let message = '';
  const rest: Record<string, unknown> = {};
  let hasRest = false;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (key === messageKey || (messageKey === 'msg' && key === 'message' && !('msg' in record))) {
      message = messageOf(value);
    } else if (!TIME_KEYS.has(key) && value !== undefined) {
      rest[key] = value;
      hasRest = true;
    }
  }
  if (!hasRest) return message;
  const json = safeStringify(rest);
  return message === '' ? json : `${message} ${json}`;
}
