// The lanes of Datamix's `sink.sessions` option, apart from its schema (options/sessions.ts),
// so the protocol and a browser's bundle take the rule without zod.

/** How many lanes a sink runs: from `min` up to `max`, an idle one above `min` closed after `idleMs`. */
export interface LaneRange {
  min: number;
  max: number;
  idleMs: number;
}

/** The lanes of a sink's `sessions` option (a fixed number is min = max); one lane for a sink without sessions. */
export function laneRange(sessions: number | LaneRange | undefined): LaneRange {
  if (sessions === undefined) return { min: 1, max: 1, idleMs: 30_000 };
  if (typeof sessions === 'number') return { min: sessions, max: sessions, idleMs: 30_000 };
  return sessions;
}
