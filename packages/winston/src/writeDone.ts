/*
 * log()'s callback, for a record that is done when log() returns. Called
 * inside the stream's write, readable-stream defers the write's after-step
 * to a nextTick: one tick a record. winston's own logger (its _transform)
 * and winston-transport (for a record below the level) first mark the write
 * as no longer synchronous, so the after-step runs at once, as for a write
 * that finished later. Measured in bench/README.md.
 */

interface WritableStateHolder {
  _writableState?: { sync?: boolean };
}

/** Calls `next` with the write marked as finished, as winston's own streams do. */
export function writeDone(stream: object, next: () => void): void {
  const state = (stream as WritableStateHolder)._writableState;
  if (state) state.sync = false;
  next();
}
