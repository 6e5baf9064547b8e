import { UTF8 } from './utf8.js';

/** An escaped byte's kind is the number of backslashes before it (see `chars`). */
const ESCAPED = 1;
const CONTROL = 2;
/** What each byte is inside a JSON string: plain (0), escaped with a backslash (quote, backslash), or a control character. */
const BYTE_KIND = new Uint8Array(256);
BYTE_KIND.fill(CONTROL, 0, 32);
BYTE_KIND[34] = ESCAPED;
BYTE_KIND[92] = ESCAPED;
/** Pieces up to this many bytes are copied by a loop (see `put`). */
const SHORT_COPY = 32;

/**
 * Builds a request body as UTF-8 straight into a reused byte array. Appending
 * strings to a string and encoding the result allocates the body twice on the
 * JS heap per request (a ~1 MiB string is promoted straight to the old
 * generation, which is what made GC a fifth of the worker's time); this keeps
 * one growing array per writer instead. One body at a time: `bytes()` is valid
 * until the next `reset()`.
 */
export class BodyWriter {
  private buf: Uint8Array;
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
  /** The text `stage()` took, as bytes (ASCII, so one per character). */
  private staged = new Uint8Array(1024);

  /**
   * `itemsPerStringify`: a JSON.stringify call costs much before it escapes
   * its first character, so an array's items are serialised a few hundred per
   * call rather than one by one; 256 log records keep each string small
   * enough for V8's young generation.
   */
  constructor(
    initialBytes = 64 * 1024,
    private readonly itemsPerStringify = 256,
  ) {
    this.buf = new Uint8Array(initialBytes);
  }

  /**
   * Starts a new body. `reserve`: bytes kept free before it, for a head that
   * is known only once the rest is written (`head()`), so the body need not
   * be copied to put it first.
   */
  reset(reserve = 0): this {
    if (reserve > this.buf.length) this.buf = new Uint8Array(Math.max(this.buf.length * 2, reserve * 2));
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
   * Starts an array item written in pieces (`ascii`, `integer`, `seconds`,
   * `stage` then `copy` and `chars`) instead of by JSON.stringify: for a log
   * record, about the same CPU and nothing on the JS heap (a stringified item
   * is built, copied and flattened there: garbage for every record, which
   * kept the worker's young generation at its largest and its peak RSS higher). Items still waiting for `item()`'s stringify
   * are written first, so order holds.
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
    this.put(bytes, 0, bytes.length);
    return this;
  }

  /**
   * Appends `n` bytes of `from` from `at`: a record's pieces are a few bytes
   * each, for which a loop costs less than the call of a native copy; more
   * go by one native copy.
   */
  private put(from: Uint8Array, at: number, n: number): void {
    this.ensure(n);
    const { buf, used } = this;
    if (n > SHORT_COPY) buf.set(from.subarray(at, at + n), used);
    else for (let i = 0; i < n; i++) buf[used + i] = from[at + i] as number;
    this.used = used + n;
  }

  /** Appends a finite number as JSON: a non-negative safe integer (a timestamp) digit by digit, any other through String(). */
  integer(n: number): this {
    if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n)) return this.append(String(n));
    this.ensure(16);
    // In two parts below 2^31, so each digit is integer arithmetic (a float division per digit costs twice as much).
    if (n < 1e9) {
      this.used = this.digits(n, this.used, 0);
    } else {
      const high = Math.floor(n / 1e9);
      this.used = this.digits(n - high * 1e9, this.digits(high, this.used, 0), 9);
    }
    return this;
  }

  /** Writes `x` (0 <= x < 1e9) at `at`, zero-padded to `width` digits; returns where it ended. */
  private digits(x: number, at: number, width: number): number {
    let count = 1;
    // `x |= 0`: as an int32 (exact, x < 1e9) each digit is an integer division by a constant; a double (a timestamp's low part) made each a float division.
    // It sits in the loop's head because a statement of its own put @logferry/browser's bundle 3 B over its gzip budget.
    for (let rest = (x |= 0); rest >= 10; rest = (rest / 10) | 0) count++;
    if (count < width) count = width;
    const { buf } = this;
    for (let i = at + count - 1; i >= at; i--) {
      const q = (x / 10) | 0;
      buf[i] = 48 + x - q * 10;
      x = q;
    }
    return at + count;
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
   * Takes `text` for `copy()` and `chars()`: true when it is all ASCII (one
   * byte a character, so its indexes are byte offsets); false for anything
   * else, which the caller writes another way. The text is encoded into a
   * staging array of its own, reused for every record (a view of the body's
   * buffer at a new offset would be an object, and a native call, more per
   * record), and its pieces are copied from there.
   */
  stage(text: string): boolean {
    const n = text.length;
    if (n > this.staged.length) this.staged = new Uint8Array(Math.max(this.staged.length * 2, n));
    const { read, written } = UTF8.encodeInto(text, this.staged);
    return read === n && written === n;
  }

  /** Appends the staged text's characters `from` to `to` as they are: text that is JSON-escaped and checked already (pino's message). */
  copy(from: number, to: number): this {
    this.put(this.staged, from, to - from);
    return this;
  }

  /**
   * Appends the staged text's characters `from` to `to` inside a JSON string,
   * quotes and backslashes escaped. False when a control character is met
   * (JSON forbids it raw; JSON.stringify's escapes are then the way): the
   * caller drops the item.
   */
  chars(from: number, to: number): boolean {
    this.ensure(2 * (to - from));
    const { buf, staged } = this;
    let at = this.used;
    for (let i = from; i < to; i++) {
      const c = staged[i] as number;
      const kind = BYTE_KIND[c] as number;
      if (kind === CONTROL) return false;
      // Without a branch on the kind, which a field's quotes, every few bytes, would make the CPU
      // mispredict: a backslash is written each time and kept only for an escaped byte (kind 1).
      buf[at] = 92; // \
      at += kind;
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
    this.used += UTF8.encodeInto(text, this.buf.subarray(this.used)).written;
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
    const bytes = UTF8.encode(text);
    if (bytes.length > this.reserved) return false;
    this.start = this.reserved - bytes.length;
    this.buf.set(bytes, this.start);
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
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.used + atLeast));
    next.set(this.buf.subarray(0, this.used));
    this.buf = next;
  }
}

/**
 * A sink's two body writers: the request in flight reads `current` while the
 * next batch's body is prepared into the other (Sink.prepare); they swap when
 * that batch goes. Both sinks use it; what a prepared body carries besides
 * its bytes (`T`) is theirs.
 */
export class PreparedBodies<T> {
  /** The writer of the body in flight (or of the next one written at send time). */
  current = new BodyWriter();
  private spare = new BodyWriter();
  private prepared: { records: readonly unknown[]; built: T } | undefined;

  /** Builds the body for `records`, the batch that goes next, into the writer not in flight. */
  prepare(records: readonly unknown[], build: (writer: BodyWriter) => T): void {
    this.prepared = { records, built: build(this.spare) };
  }

  /** What was prepared for `records` (its writer becomes `current`), or undefined: then write into `current`. */
  take(records: readonly unknown[]): T | undefined {
    const prepared = this.prepared;
    if (prepared?.records !== records) return undefined;
    this.prepared = undefined;
    const spare = this.spare;
    this.spare = this.current;
    this.current = spare;
    return prepared.built;
  }
}
