/** The emulator's notion of "now": shifted by clockOffsetMs so tests can simulate a client with a skewed clock. */
export type Clock = () => number;

export function createClock(offsetMs: number): Clock {
  // Whole milliseconds, so `expires` and time-window bounds stay integers.
  const offset = Math.round(offsetMs);
  return () => Date.now() + offset;
}
