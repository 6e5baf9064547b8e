/*
 * The winston transport's lines, written into thread-stream once per event
 * loop turn rather than one write a record. thread-stream copies each write
 * into a Buffer of its own and updates its shared state: for a burst of a
 * thousand records in a turn that is a thousand copies, where one does
 * (bench/README.md has the figures). Lines wait at most until the turn
 * ends, or until BATCH_CHARS have gathered; whoever flushes, ends or exits
 * calls drain() first.
 */

/** Past this many characters the lines go at once: a long synchronous burst does not build one huge string. */
const BATCH_CHARS = 256 * 1024;

export class LineBatcher {
  private pending = '';
  private scheduled = false;
  private readonly drainSoon = (): void => {
    this.scheduled = false;
    this.drain();
  };

  constructor(private readonly write: (text: string) => void) {}

  add(line: string): void {
    this.pending += line;
    if (this.pending.length >= BATCH_CHARS) this.drain();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.drainSoon);
    }
  }

  /** Writes what has gathered, now. */
  drain(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.write(text);
  }
}
