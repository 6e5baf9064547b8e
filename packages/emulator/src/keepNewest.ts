/**
 * Trims `list` to its newest `max` entries (in place). A long-running
 * emulator (a demo, a benchmark) would otherwise keep every record it was
 * ever sent; the counters keep counting what was trimmed.
 */
export function keepNewest<T>(list: T[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max);
}
