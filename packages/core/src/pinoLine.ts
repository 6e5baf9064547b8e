import type { LevelMap } from './levels.js';
import type { DatamixLevel } from './levels.js';
import { formatRecordText, type MessageFormat } from './messageText.js';

export interface ParsedLine {
  level: DatamixLevel;
  time: number;
  text: string;
  /** The parsed record, only when the slow path ran (needed for Initial State `fields`). */
  object?: Record<string, unknown>;
}

/**
 * Epoch numbers below 1e11 are seconds (1e11 ms is 1973; 1e11 s is the year 5138):
 * pino's stdTimeFunctions.unixTime writes seconds.
 */
export function epochMs(value: number): number {
  return value < 1e11 ? value * 1000 : value;
}

function readInt(line: string, start: number): [value: number, end: number] {
  let i = start;
  let value = 0;
  const first = line.charCodeAt(i);
  if (first < 48 || first > 57) return [NaN, i];
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    i++;
  }
  return [value, i];
}

/**
 * The fast path for pino's own lines, which always start `{"level":N,"time":N,`
 * and end with the message key: level, time and message are read by position
 * and the fields in between are kept as the JSON pino already wrote, so the hot
 * path does no JSON.parse and no re-serialisation. Anything else returns undefined.
 */
export function parsePinoLineFast(line: string, levels: LevelMap, messageKey: string): ParsedLine | undefined {
  if (!line.startsWith('{"level":')) return undefined;
  const [levelNumber, levelEnd] = readInt(line, 9);
  if (Number.isNaN(levelNumber) || !line.startsWith(',"time":', levelEnd)) return undefined;
  const [rawTime, timeEnd] = readInt(line, levelEnd + 8);
  if (Number.isNaN(rawTime) || line.charCodeAt(line.length - 1) !== 125 /* } */) return undefined;
  const level = levels.fromNumber(levelNumber);
  const time = epochMs(rawTime);
  const bodyStart = timeEnd + 1; // after the ',' or at the final '}'
  if (line.charCodeAt(timeEnd) === 125) return { level, time, text: '' };
  if (line.charCodeAt(timeEnd) !== 44 /* , */) return undefined;

  const marker = `"${messageKey}":"`;
  const markerAt = line.lastIndexOf(marker);
  // The message is top-level only if its string closes right before the final '}'.
  if (markerAt >= bodyStart && (markerAt === bodyStart || line.charCodeAt(markerAt - 1) === 44)) {
    const msgStart = markerAt + marker.length;
    const msgEnd = line.length - 2;
    if (line.charCodeAt(msgEnd) === 34 /* " */ && closesAt(line, msgStart) === msgEnd) {
      const raw = line.slice(msgStart, msgEnd);
      const message = raw.indexOf('\\') === -1 ? raw : (JSON.parse(`"${raw}"`) as string);
      const fieldsEnd = markerAt === bodyStart ? bodyStart : markerAt - 1;
      const fields = line.slice(bodyStart, fieldsEnd);
      if (fields === '') return { level, time, text: message };
      return { level, time, text: message === '' ? `{${fields}}` : `${message} {${fields}}` };
    }
  }
  // No top-level message where pino puts it: the slow path decides (it knows `message`, `timestamp`, …).
  return undefined;
}

/** Index of the closing quote of the JSON string starting at `start`, or -1. */
function closesAt(line: string, start: number): number {
  for (let i = start; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return -1;
}

export function timeOf(value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return epochMs(value);
  if (typeof value === 'string') {
    const n = Number(value);
    if (value.trim() !== '' && Number.isFinite(n)) return epochMs(n);
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  return fallback;
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
