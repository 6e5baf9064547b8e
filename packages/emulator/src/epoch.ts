import { describeValue } from './describeValue.js';

const YEAR_SECONDS = 365 * 24 * 3600;
const DAY_SECONDS = 24 * 3600;
/** Epoch seconds stay below 1e11 until the year 5138; anything larger is almost surely milliseconds. */
const LOOKS_LIKE_MILLISECONDS = 1e11;

/** Why `e` is not a plausible epoch in seconds by the server clock `now` (ms), or undefined when it is; `name` is the field's. */
export function epochProblem(e: unknown, now: number, name = 'e'): string | undefined {
  if (typeof e !== 'number' || !Number.isFinite(e)) return `${name} must be a finite number of epoch seconds, got ${describeValue(e)}`;
  if (e > LOOKS_LIKE_MILLISECONDS) return `${name} ${e} looks like milliseconds; send epoch seconds (e.g. Date.now() / 1000)`;
  const nowSeconds = now / 1000;
  if (e < nowSeconds - YEAR_SECONDS) return `${name} ${e} is more than a year in the past`;
  if (e > nowSeconds + DAY_SECONDS) return `${name} ${e} is more than a day in the future`;
  return undefined;
}
