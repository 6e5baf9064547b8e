/*
 * The fast line's two ends, `{"level":N,"time":T` and `,"message":"…"}\n`,
 * each kept for the next record: the records of one millisecond share a
 * head, and a burst from one call site shares its message, so most records
 * skip a number's and a string's conversion and a concatenation. One entry
 * each, compared by value, so a record that differs costs one comparison.
 * Tested against the plain template (test/winston-flatFields.test.ts); what
 * it saves is in bench/README.md.
 */

/** The key of the message in both of the wire's forms, which the reader is told. */
export const MESSAGE_KEY = 'message';
const MESSAGE_FIELD = `,"${MESSAGE_KEY}":`;

let headLevel = -1;
let headTime = -1;
let head = '';
let tailMessage: string | undefined;
let tail = '';

/** `{"level":<level>,"time":<time>` (no comma after it). */
export function lineHead(level: number, time: number): string {
  if (time !== headTime || level !== headLevel) {
    headLevel = level;
    headTime = time;
    head = `{"level":${level},"time":${time}`;
  }
  return head;
}

/** `,"message":<message as JSON>}` and the newline. */
export function lineTail(message: string): string {
  if (message !== tailMessage) {
    tailMessage = message;
    tail = `${MESSAGE_FIELD}${JSON.stringify(message)}}\n`;
  }
  return tail;
}
