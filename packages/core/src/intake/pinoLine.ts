import type { LevelMap } from '../record/levels.js';
import type { DatamixLevel } from '../record/levels.js';
import { formatRecordText, type MessageFormat } from '../record/messageText.js';
import type { PinoSpans } from '../record/pinoText.js';
import { epochMs, timeOf } from '../record/time.js';

export interface ParsedLine {
  level: DatamixLevel;
  time: number;
  text: string;
  /** The parsed record, only when the slow path ran (needed for Initial State `fields`). */
  object?: Record<string, unknown>;
}

/**
 * What the fast path reads from a pino line: level and time, and where the
 * message's two parts sit in the line. `pinoText` reads the message's text
 * when a request body (or the spool) needs it, once per record.
 */
export interface FastLine extends PinoSpans {
  level: DatamixLevel;
  time: number;
}

const markers = new Map<string, string>();

/**
 * `line` has `literal` at `at`. A slice compared with the literal: lines are
 * sliced strings, on which every charCodeAt or startsWith call pays to reach
 * the parent string, while a short slice is a flat copy compared at once.
 */
function hasAt(line: string, at: number, literal: string): boolean {
  return line.slice(at, at + literal.length) === literal;
}

/** Stands in for a line with no message and no fields (`{"level":30,"time":1}`): its message is "". */
const EMPTY = '{"level":0,"time":0,"msg":""}';

/** What scanPinoLine returns: one object, reused by every scan (a record copies what it needs from it). */
const scanned: FastLine = { level: 'info', time: 0, line: '', fieldsStart: 0, fieldsEnd: 0, msgStart: 0, msgEnd: 0 };

/**
 * The fast path for pino's own lines, which always start `{"level":N,"time":N,`
 * and end with the message key: level, time and where the message and the
 * fields are, read by position. No JSON.parse, no record object, no text to
 * flatten, nothing copied. Anything else (or anything doubtful) returns
 * undefined and the slow path decides. The answer is valid until the next
 * call: the intake makes its record from it, so a line costs one object.
 */
export function scanPinoLine(line: string, levels: LevelMap, messageKey: string): Readonly<FastLine> | undefined {
  if (!hasAt(line, 0, '{"level":')) return undefined;
  const length = line.length;
  let i = 9;
  let c = line.charCodeAt(i);
  if (c < 48 || c > 57) return undefined;
  let levelNumber = 0;
  while (c >= 48 && c <= 57) {
    levelNumber = levelNumber * 10 + (c - 48);
    c = line.charCodeAt(++i);
  }
  if (!hasAt(line, i, ',"time":')) return undefined;
  i += 8;
  c = line.charCodeAt(i);
  if (c < 48 || c > 57) return undefined;
  let rawTime = 0;
  while (c >= 48 && c <= 57) {
    rawTime = rawTime * 10 + (c - 48);
    c = line.charCodeAt(++i);
  }
  if (line.charCodeAt(length - 1) !== 125 /* } */) return undefined;
  const level = levels.fromNumber(levelNumber);
  const time = epochMs(rawTime);
  if (c === 125 && i === length - 1) return found(level, time, EMPTY, 0, 0, EMPTY.length - 2, EMPTY.length - 2);
  if (c !== 44 /* , */) return undefined;
  const bodyStart = i + 1;

  let marker = markers.get(messageKey);
  if (marker === undefined) {
    marker = `${JSON.stringify(messageKey)}:"`;
    if (markers.size < 16) markers.set(messageKey, marker);
  }
  const markerAt = line.lastIndexOf(marker);
  // The message is top-level only if its string closes right before the final '}'.
  if (markerAt < bodyStart || (markerAt !== bodyStart && line.charCodeAt(markerAt - 1) !== 44)) return undefined;
  const msgStart = markerAt + marker.length;
  const msgEnd = length - 2;
  if (line.charCodeAt(msgEnd) !== 34 /* " */ || closesAt(line, msgStart) !== msgEnd) return undefined;
  const fieldsEnd = markerAt === bodyStart ? bodyStart : markerAt - 1;
  return found(level, time, line, bodyStart, fieldsEnd, msgStart, msgEnd);
}

function found(level: DatamixLevel, time: number, line: string, fieldsStart: number, fieldsEnd: number, msgStart: number, msgEnd: number): FastLine {
  scanned.level = level;
  scanned.time = time;
  scanned.line = line;
  scanned.fieldsStart = fieldsStart;
  scanned.fieldsEnd = fieldsEnd;
  scanned.msgStart = msgStart;
  scanned.msgEnd = msgEnd;
  return scanned;
}

/**
 * Index of the closing quote of the JSON string starting at `start`, or -1;
 * also -1 for a raw control character, which JSON forbids inside a string
 * (the slow path then decides, so a malformed line cannot break a batch).
 */
function closesAt(line: string, start: number): number {
  for (let i = start; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */) {
      i = escapeEnd(line, i + 1);
      if (i === -1) return -1;
    } else if (c === 34) return i;
    else if (c < 32) return -1;
  }
  return -1;
}

const HEX = /^[0-9a-fA-F]{4}$/;

/** Index of the last character of the escape whose letter is at `i`, or -1 if JSON does not allow it. */
function escapeEnd(line: string, i: number): number {
  switch (line.charCodeAt(i)) {
    case 34: case 92: case 47: case 98: case 102: case 110: case 114: case 116: // " \ / b f n r t
      return i;
    case 117: // u
      return HEX.test(line.slice(i + 1, i + 5)) ? i + 4 : -1;
    default:
      return -1;
  }
}

/** The full path: any JSON line (pino with custom timestamps, other shapes). */
export function parseLineSlow(
  line: string,
  levels: LevelMap,
  format: MessageFormat,
  messageKey: string,
  now: number,
): ParsedLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { level: 'info', time: now, text: line };
  }
  const object = value as Record<string, unknown>;
  return {
    level: levels.from(object.level),
    time: timeOf(object.time ?? object.timestamp, now),
    text: formatRecordText(object, format, messageKey),
    object,
  };
}
