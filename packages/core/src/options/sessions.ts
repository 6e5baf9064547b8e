import * as z from 'zod/mini';

/*
 * Datamix's `sink.sessions`: a fixed number (`sessions: N`, as before), or a
 * range that grows with the load (`{ min, max, idleMs }`). Each session is a
 * separate log at Datamix, so the range starts at `min` and adds one only
 * when the sessions open cannot keep up (see pipeline/laneGrowth.ts).
 */

const int = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

const range = z
  .strictObject({
    min: z._default(int(1, 64), 1),
    max: int(1, 64),
    /** A session above `min` with nothing to send for this long is closed. */
    idleMs: z._default(int(100, 3_600_000), 30_000),
  })
  .check(z.refine((v) => v.min <= v.max, { message: 'min must be at most max', path: ['min'] }));

export const sessionsOption = z._default(z.union([int(1, 64), range]), 1);

/** How many lanes a sink runs: from `min` up to `max`, an idle one above `min` closed after `idleMs`. */
export interface LaneRange {
  min: number;
  max: number;
  idleMs: number;
}

/** The lanes of a sink's `sessions` option (a fixed number is min = max); one lane for a sink without sessions. */
export function laneRange(sessions: z.output<typeof sessionsOption> | undefined): LaneRange {
  if (sessions === undefined) return { min: 1, max: 1, idleMs: 30_000 };
  if (typeof sessions === 'number') return { min: sessions, max: sessions, idleMs: 30_000 };
  return sessions;
}
