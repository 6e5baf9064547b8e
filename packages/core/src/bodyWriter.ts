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
  /** Where the body starts: the bytes before it are reserved for a head (see `reset`, `head`). */
  private start = 0;
  private reserved = 0;
  /** Items of the JSON array being written that wait for one JSON.stringify (see `item`). */
  private readonly items: unknown[] = [];
  /** Whether some of that array is in the buffer already (its '[' with them). */
  private opened = false;
  /** Where the item begun by `beginItem()` starts, and `opened` before it (for `dropItem()`). */
  private itemAt = 0;
  private openedBefore = false;
  /** The text `stage()` took, as bytes (ASCII, so one per character); read by `chars()`. */
  private staged: Buffer = Buffer.allocUnsafe(1024);

  /**
   * `itemsPerStringify`: ~450 ns of a JSON.stringify call go before it escapes
   * a character, so an array's items are serialised a few hundred per call
   * (~30 % less CPU than one call per item, measured); 256 keep each string
   * ~50 KB for log records, in V8's young generation.
   */
  constructor(
    initialBytes = 64 * 1024,
    private readonly itemsPerStringify = 256,
  ) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /**
   * Starts a new body. `reserve`: bytes kept free before it, for a head that
   * is known only once the rest is written (`head()`), so the body need not
   * be copied to put it first.
   */
  reset(reserve = 0): this {
    if (reserve > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(this.buf.length * 2, reserve * 2));
    this.used = reserve;
    this.start = reserve;
    this.reserved = reserve;
    this.items.length = 0;
    this.opened = false;
    return this;
  }

  /** Adds an item (any JSON value) to the array being written: `item()`s then `closeArray()` write `[item,...]`. */
  item(value: unknown): this {
    if (this.items.push(value) === this.itemsPerStringify) this.writeItems();
    return this;
  }

  /**
   * Starts an array item written in pieces (`ascii`, `integer`, `chars`) instead of
   * by JSON.stringify: for a log record that is ~4x less CPU and nothing on the
   * JS heap (a stringified item is built, copied and flattened there: ~760 bytes
   * of garbage a record, measured, which grew the worker's young generation).
   * Items still waiting for `item()`'s stringify are written first, so order holds.
   */
  beginItem(): this {
    if (this.items.length > 0) this.writeItems();
    this.itemAt = this.used;
    this.openedBefore = this.opened;
    this.ensure(1);
    this.buf[this.used++] = this.opened ? 44 /* , */ : 91 /* [ */;
    this.opened = true;
    return this;
  }

  /** Takes back the item begun by `beginItem()` (the caller writes it another way). */
  dropItem(): this {
    this.used = this.itemAt;
    this.opened = this.openedBefore;
    return this;
  }

  /** Appends bytes as they are (pre-encoded ASCII JSON). */
  ascii(bytes: Uint8Array): this {
    const n = bytes.length;
    this.ensure(n);
    const { buf } = this;
    let at = this.used;
    for (let i = 0; i < n; i++) buf[at++] = bytes[i] as number;
    this.used = at;
    return this;
  }

  /** Appends a finite number as JSON: a non-negative safe integer (a timestamp) digit by digit, any other through String(). */
  integer(n: number): this {
    if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n)) return this.append(String(n));
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    this.ensure(digits);
    const { buf } = this;
    let x = n;
    for (let at = this.used + digits - 1; at >= this.used; at--) {
      const q = Math.floor(x / 10);
      buf[at] = 48 + (x - q * 10);
      x = q;
    }
    this.used += digits;
    return this;
  }

  /**
   * Appends `ms / 1000` as JSON.stringify writes it (epoch seconds from
   * milliseconds): whole milliseconds below 1e15 digit by digit (their
   * quotient prints as its exact decimal: at most 15 significant digits),
   * anything else through String().
   */
  seconds(ms: number): this {
    if (!(ms >= 0 && ms < 1e15 && Math.floor(ms) === ms)) return this.append(String(ms / 1000));
    const whole = Math.floor(ms / 1000);
    let fraction = ms - whole * 1000;
    this.integer(whole);
    if (fraction === 0) return this;
    this.ensure(4);
    const { buf } = this;
    buf[this.used++] = 46; // .
    for (let unit = 100; fraction > 0; unit /= 10) {
      const digit = Math.floor(fraction / unit);
      buf[this.used++] = 48 + digit;
      fraction -= digit * unit;
    }
    return this;
  }

  /**
   * Takes `text` for `chars()`: true when it is all ASCII (one byte a character,
   * so its indexes are byte offsets); false for anything else, which the caller
   * writes another way.
   */
  stage(text: string): boolean {
    if (text.length * 3 > this.staged.length) this.staged = Buffer.allocUnsafe(Math.max(this.staged.length * 2, text.length * 3));
    return this.staged.write(text, 0, 'utf8') === text.length;
  }

  /**
   * Appends the staged text's characters `from` to `to` inside a JSON string:
   * with `escape`, quotes and backslashes escaped (plain text); without, as
   * they are (text that is JSON-escaped already, as pino's message is). False
   * when a control character is met (JSON forbids it raw; JSON.stringify's
   * escapes are then the way): the caller drops the item.
   */
  chars(from: number, to: number, escape: boolean): boolean {
    this.ensure((to - from) * 2);
    const { buf, staged } = this;
    let at = this.used;
    for (let i = from; i < to; i++) {
      const c = staged[i] as number;
      if (c < 32) return false;
      if (escape && (c === 34 || c === 92)) buf[at++] = 92;
      buf[at++] = c;
    }
    this.used = at;
    return true;
  }

  /** Writes the items still waiting and closes the array (`[]` when it had none). */
  closeArray(): this {
    if (this.items.length > 0) this.writeItems();
    const empty = !this.opened;
    this.opened = false;
    return this.append(empty ? '[]' : ']');
  }

  append(text: string): this {
    // A UTF-16 code unit never takes more than 3 bytes of UTF-8.
    this.ensure(text.length * 3);
    this.used += this.buf.write(text, this.used);
    return this;
  }

  private ensure(bytes: number): void {
    if (bytes > this.buf.length - this.used) this.grow(bytes);
  }

  /** The waiting items as one JSON.stringify: the first part keeps its '[', a later one's becomes ','; its ']' is left off. */
  private writeItems(): void {
    const at = this.used;
    this.append(JSON.stringify(this.items));
    if (this.opened) this.buf[at] = 44; // ,
    this.opened = true;
    this.used--;
    this.items.length = 0;
  }

  /**
   * Puts `text` in front of the body, in the bytes reset() reserved; a later
   * call replaces it. False (and nothing written) when it does not fit.
   */
  head(text: string): boolean {
    const bytes = Buffer.byteLength(text);
    if (bytes > this.reserved) return false;
    this.start = this.reserved - bytes;
    this.buf.write(text, this.start);
    return true;
  }

  get length(): number {
    return this.used - this.start;
  }

  /** The body so far, its head included (a view, not a copy). */
  bytes(): Uint8Array {
    return this.buf.subarray(this.start, this.used);
  }

  private grow(atLeast: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + atLeast));
    this.buf.copy(next, 0, 0, this.used);
    this.buf = next;
  }
}
