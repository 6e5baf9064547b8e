import { dirname } from 'node:path';
import sonicBoom from 'sonic-boom';
import { isDatamixLevel, type DatamixLevel } from '../record/levels.js';
import { jsonOf, type LogRecord, type MessageSource } from '../record/record.js';
import { builtin } from './builtin.js';

// Not `import ... from 'node:fs'`: an ES import of node:fs also loads fs/promises (and readline) in every worker.
const { closeSync, existsSync, mkdirSync, openSync, readSync, fstatSync, statSync } = builtin('node:fs');

// sonic-boom is CommonJS: its named export is a property of the default export.
const { SonicBoom } = sonicBoom;
type SonicBoom = InstanceType<typeof SonicBoom>;

/** One spooled record: its own time, level and text. Never a key or token. */
export interface SpoolEntry {
  time: number;
  level: DatamixLevel;
  text: string;
  fields?: Record<string, string | number | boolean>;
}

export function spoolLine(record: MessageSource & Pick<LogRecord, 'time' | 'level' | 'fields'>): string {
  // The same JSON as JSON.stringify({ time, level, text, fields }), reusing the record's encoded text.
  const fields = record.fields ? `,"fields":${JSON.stringify(record.fields)}` : '';
  return `{"time":${JSON.stringify(record.time)},"level":"${record.level}","text":${jsonOf(record)}${fields}}\n`;
}

/**
 * Appends undeliverable records to an NDJSON file through sonic-boom, and can
 * be flushed synchronously at exit, when no async work will run again.
 */
export class Spool {
  private stream: SonicBoom | undefined;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.size = existsSync(path) ? statSync(path).size : 0;
  }

  private open(): SonicBoom {
    if (!this.stream) {
      // Synchronous: the spool is written only when delivery failed, and often right before
      // the thread or process ends, when an async write would be lost.
      this.stream = new SonicBoom({ dest: this.path, append: true, mkdir: true, sync: true, minLength: 0 });
      this.stream.on('error', () => undefined);
    }
    return this.stream;
  }

  /** Appends what fits; returns how many records did not fit under maxBytes. */
  append(records: readonly LogRecord[]): number {
    let chunk = '';
    let refused = 0;
    for (const record of records) {
      const line = spoolLine(record);
      const bytes = Buffer.byteLength(line);
      if (this.size + bytes > this.maxBytes) {
        refused++;
        continue;
      }
      this.size += bytes;
      chunk += line;
    }
    if (chunk !== '') this.open().write(chunk);
    return refused;
  }

  flushSync(): void {
    const stream = this.stream;
    if (!stream) return;
    try {
      stream.flushSync();
    } catch {
      // sonic-boom throws if a write is still in progress; it completes on its own then.
    }
  }

  close(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    this.flushSync();
    try {
      stream.end();
    } catch {
      // already closed
    }
  }
}

export interface SpoolLine {
  entry: SpoolEntry;
  /** Byte offset just past this line: where a resumed replay continues. */
  end: number;
}

export function toEntry(value: unknown): SpoolEntry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<SpoolEntry>;
  if (typeof v.time !== 'number' || typeof v.text !== 'string' || typeof v.level !== 'string' || !isDatamixLevel(v.level)) return undefined;
  return v.fields ? { time: v.time, level: v.level, text: v.text, fields: v.fields } : { time: v.time, level: v.level, text: v.text };
}

/**
 * Reads complete lines from `offset` on. A torn or unreadable line (a crash
 * mid-write) is skipped and counted, never blocks the rest.
 */
export function* readSpool(path: string, offset = 0): Generator<SpoolLine | { bad: true; end: number }> {
  const fd = openSync(path, 'r');
  try {
    const total = fstatSync(fd).size;
    const buf = Buffer.alloc(1024 * 1024);
    let position = offset;
    let carry = Buffer.alloc(0);
    let carryStart = offset;
    while (position < total) {
      const n = readSync(fd, buf, 0, buf.length, position);
      if (n <= 0) break;
      position += n;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : Buffer.from(buf.subarray(0, n));
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        const text = data.toString('utf8', start, nl);
        const end = carryStart + nl + 1;
        start = nl + 1;
        if (text.trim() === '') continue;
        let entry: SpoolEntry | undefined;
        try {
          entry = toEntry(JSON.parse(text));
        } catch {
          entry = undefined;
        }
        yield entry ? { entry, end } : { bad: true, end };
      }
      carry = data.subarray(start);
      carryStart += start;
    }
    // A last line without a newline is a torn write: skipped.
    if (carry.length > 0) yield { bad: true, end: carryStart + carry.length };
  } finally {
    closeSync(fd);
  }
}
