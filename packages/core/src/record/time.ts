/** Reading a record's own time, the same for pino lines, winston records and createClient().log(). */
/**
 * Epoch numbers below 1e11 are seconds (1e11 ms is 1973; 1e11 s is the year 5138):
 * pino's stdTimeFunctions.unixTime writes seconds.
 */
export function epochMs(value: number): number {
  return value < 1e11 ? value * 1000 : value;
}

export function timeOf(value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return epochMs(value);
  if (typeof value === 'string') {
    const n = Number(value);
    // Number('') and Number(' ') are 0, not a time; an ISO string is NaN at once, with no trim().
    if (Number.isFinite(n) && value.trim() !== '') return epochMs(n);
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
  return fallback;
}

