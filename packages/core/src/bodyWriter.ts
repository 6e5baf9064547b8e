/**
 * Builds a request body as UTF-8 straight into a reused Buffer. Appending
 * strings to a string and encoding the result allocates the body twice on the
 * JS heap per request (a ~1 MiB string is promoted straight to the old
 * generation, which is what made GC a fifth of the worker's time); this keeps
 * one growing Buffer per writer instead. One body at a time: `bytes()` is valid
 * until the next `reset()`.
 */
export class BodyWriter {
  private buf: Buffer;
  private used = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  reset(): this {
    this.used = 0;
    return this;
  }

  append(text: string): this {
    // A UTF-16 code unit never takes more than 3 bytes of UTF-8.
    if (text.length * 3 > this.buf.length - this.used) this.grow(text.length * 3);
    this.used += this.buf.write(text, this.used);
    return this;
  }

  /**
   * Appends the items of the JSON array `arrayJson` to an array being written:
   * the first part keeps its '[' (it opens the array), a later part's '[' becomes
   * ','; the closing ']' is left out (the caller closes the array once).
   */
  appendArrayPart(arrayJson: string, first: boolean): this {
    const at = this.used;
    this.append(arrayJson);
    if (!first) this.buf[at] = 44; // ,
    this.used--;
    return this;
  }

  get length(): number {
    return this.used;
  }

  /** The body so far (a view, not a copy). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.used);
  }

  private grow(atLeast: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + atLeast));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
}
