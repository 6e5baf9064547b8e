/*
 * When a sink with a range of lanes (Datamix `sessions: { min, max }`) opens
 * one more, and when it closes one. Pure: the dispatch tells it what it sees
 * and when.
 *
 * Grow: for GROW_AFTER_MS without a break, every open lane was busy and a
 * full batch still waited behind them, and over that time the backlog grew
 * (more queued at the end than at the start, or the source was held back by
 * backpressure, which is the backlog growing on the logger's side): the lanes
 * open cannot keep up with what comes in. A burst the open lanes drain opens
 * nothing (each session is a separate log at Datamix); under a load they
 * cannot carry, one lane more each GROW_AFTER_MS, so a lane is only added
 * once the ones open have shown they are not enough.
 *
 * Shrink: the highest open lane above `min` has been idle `idleMs`. Batches
 * go to the lowest free lane first, so when the load falls the top lane is
 * the one that goes quiet.
 */

/** How long the open lanes must fall behind before one more opens. */
export const GROW_AFTER_MS = 1000;

export interface LoadView {
  /** Every open lane has a request under way. */
  allBusy: boolean;
  /** At least a full batch waits in the queue beyond what the lanes hold. */
  backlogged: boolean;
  /** The queue's bytes now. */
  queuedBytes: number;
  /** The backlog is over backpressure's high-water mark: a source that can wait is held back. */
  held: boolean;
}

export class LaneGrowth {
  /** Lanes open: 0 … open-1 take batches. */
  open: number;
  private behindSince: number | undefined;
  private behindBytes = 0;
  private heldWhileBehind = false;

  constructor(
    private readonly min: number,
    private readonly max: number,
    readonly idleMs: number,
  ) {
    this.open = min;
  }

  /** Whether the lanes may grow at all. */
  get ranged(): boolean {
    return this.max > this.min;
  }

  /** A lane above `min` is open, which may close when idle. */
  get aboveMin(): boolean {
    return this.open > this.min;
  }

  /** Called as the dispatch pumps; true when a lane should open now (then `open` has grown). */
  grow(view: LoadView, now: number): boolean {
    if (this.open >= this.max || !view.allBusy || !view.backlogged) {
      this.behindSince = undefined;
      return false;
    }
    if (this.behindSince === undefined) {
      this.startBehind(view, now);
      return false;
    }
    this.heldWhileBehind ||= view.held;
    if (now - this.behindSince < GROW_AFTER_MS) return false;
    const grew = this.heldWhileBehind || view.queuedBytes > this.behindBytes;
    // Either way a new window starts: a backlog that shrank is being worked off by the lanes open.
    this.startBehind(view, now);
    if (!grew) return false;
    this.open++;
    return true;
  }

  private startBehind(view: LoadView, now: number): void {
    this.behindSince = now;
    this.behindBytes = view.queuedBytes;
    this.heldWhileBehind = view.held;
  }

  /** Whether the top open lane, idle since `idleSince` (undefined: busy), should close now (then `open` has shrunk). */
  shrink(idleSince: number | undefined, now: number): boolean {
    if (this.open <= this.min || idleSince === undefined || now - idleSince < this.idleMs) return false;
    this.open--;
    return true;
  }
}
