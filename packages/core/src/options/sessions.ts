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
