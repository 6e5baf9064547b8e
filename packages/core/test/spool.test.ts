import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Spool, readSpool, spoolLine, type SpoolEntry, type SpoolLine } from '../src/node/spool.js';
import type { LogRecord } from '../src/record/record.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logferry-spool-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function rec(i: number, text = `message ${i}`): LogRecord {
  return { level: i % 2 === 0 ? 'info' : 'error', time: 1_700_000_000_000 + i, text, seq: i, bytes: text.length };
}
const entryOf = (r: LogRecord): SpoolEntry => ({ time: r.time, level: r.level, text: r.text as string, ...(r.fields ? { fields: r.fields } : {}) });
const fileSize = (file: string): number => (fs.existsSync(file) ? fs.statSync(file).size : -1);

/** sonic-boom writes asynchronously: wait (bounded) until the file holds `bytes`. */
async function waitForSize(file: string, bytes: number): Promise<void> {
  const deadline = Date.now() + 3000;
  while (fileSize(file) < bytes && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  expect(fileSize(file)).toBe(bytes);
}
const bytesOf = (records: readonly LogRecord[]): number => records.reduce((n, r) => n + Buffer.byteLength(spoolLine(r)), 0);
const good = (lines: Iterable<SpoolLine | { bad: true; end: number }>): SpoolLine[] => [...lines].filter((l): l is SpoolLine => 'entry' in l);

describe('Spool + readSpool', () => {
  it('reads back what was appended, in order, with exact end offsets', async () => {
    const file = path.join(dir, 'nested', 'spool.ndjson');
    const spool = new Spool(file, 1 << 20);
    const records = [rec(1), rec(2, 'unicode é 😀 "quoted" \\ \n newline'), rec(3)];
    records[2]!.fields = { user: 'u1', n: 3, ok: true };
    expect(spool.append(records.slice(0, 2))).toBe(0);
    expect(spool.append(records.slice(2))).toBe(0);
    spool.close();
    await waitForSize(file, bytesOf(records));

    const lines = [...readSpool(file)];
    expect(lines.map((l) => ('entry' in l ? l.entry : l))).toEqual(records.map(entryOf));
    let end = 0;
    lines.forEach((line, i) => {
      end += Buffer.byteLength(spoolLine(records[i]!));
      expect(line.end).toBe(end);
    });
    expect(end).toBe(fs.statSync(file).size);
  });

  it('resumes from a mid offset', async () => {
    const file = path.join(dir, 'spool.ndjson');
    const spool = new Spool(file, 1 << 20);
    const records = Array.from({ length: 10 }, (_, i) => rec(i + 1));
    spool.append(records);
    spool.close();
    await waitForSize(file, bytesOf(records));
    const all = good(readSpool(file));
    const fourth = all[3]!;
    const rest = good(readSpool(file, fourth.end));
    expect(rest.map((l) => l.entry)).toEqual(records.slice(4).map(entryOf));
    expect(rest.map((l) => l.end)).toEqual(all.slice(4).map((l) => l.end));
    expect([...readSpool(file, all[9]!.end)]).toEqual([]);
  });

  it('a torn last line is yielded as bad and does not hide the lines before it', async () => {
    const file = path.join(dir, 'spool.ndjson');
    const spool = new Spool(file, 1 << 20);
    const records = [rec(1), rec(2)];
    spool.append(records);
    spool.close();
    await waitForSize(file, bytesOf(records));
    fs.appendFileSync(file, '{"time":1700000000003,"level":"in');
    const lines = [...readSpool(file)];
    expect(lines).toHaveLength(3);
    expect(good(lines).map((l) => l.entry)).toEqual(records.map(entryOf));
    expect(lines[2]).toEqual({ bad: true, end: fs.statSync(file).size });
  });

  it('a torn line followed by more writes is bad, and reading goes on past it', () => {
    const file = path.join(dir, 'spool.ndjson');
    const a = spoolLine(rec(1));
    const torn = '{"time":17000000';
    const b = spoolLine(rec(2));
    const notEntry = '{"time":1,"level":"loud","text":"x"}\n';
    fs.writeFileSync(file, a + torn + b + '\n' + notEntry + 'garbage\n' + spoolLine(rec(3)));
    const lines = [...readSpool(file)];
    expect(lines.map((l) => ('entry' in l ? l.entry.text : 'bad'))).toEqual(['message 1', 'bad', 'bad', 'bad', 'message 3']);
    expect(lines.at(-1)!.end).toBe(fs.statSync(file).size);
  });

  it('reads lines that cross the 1 MB read buffer, with multi-byte text', () => {
    const file = path.join(dir, 'big.ndjson');
    const records = Array.from({ length: 3000 }, (_, i) => rec(i, `${'é😀x'.repeat(50)} ${i}`));
    fs.writeFileSync(file, records.map((r) => spoolLine(r)).join(''));
    expect(fs.statSync(file).size).toBeGreaterThan(1 << 20);
    const lines = good(readSpool(file));
    expect(lines.map((l) => l.entry)).toEqual(records.map(entryOf));
    let end = 0;
    const ends = records.map((r) => (end += Buffer.byteLength(spoolLine(r))));
    expect(lines.map((l) => l.end)).toEqual(ends);
    // and resuming in the middle of the second chunk
    const from = lines[2500]!.end;
    expect(good(readSpool(file, from)).map((l) => l.entry.text)).toEqual(records.slice(2501).map((r) => r.text));
  });

  it('refuses records beyond maxBytes and returns how many it refused', async () => {
    const file = path.join(dir, 'spool.ndjson');
    const records = [rec(1), rec(2), rec(3), rec(4)];
    const cap = bytesOf(records.slice(0, 2)) + 5;
    const spool = new Spool(file, cap);
    expect(spool.append(records.slice(0, 1))).toBe(0);
    expect(spool.append(records.slice(1))).toBe(2);
    expect(spool.append([rec(5)])).toBe(1);
    spool.close();
    await waitForSize(file, bytesOf(records.slice(0, 2)));
    expect(good(readSpool(file)).map((l) => l.entry.text)).toEqual(['message 1', 'message 2']);
  });

  it('counts an existing file toward maxBytes', async () => {
    const file = path.join(dir, 'spool.ndjson');
    fs.writeFileSync(file, spoolLine(rec(1)));
    const spool = new Spool(file, bytesOf([rec(1), rec(2)]));
    expect(spool.append([rec(2), rec(3)])).toBe(1);
    spool.close();
    await waitForSize(file, bytesOf([rec(1), rec(2)]));
    expect(good(readSpool(file)).map((l) => l.entry.text)).toEqual(['message 1', 'message 2']);
  });

  it('no line holds a key: only time, level, text and fields are written', async () => {
    const file = path.join(dir, 'spool.ndjson');
    const spool = new Spool(file, 1 << 20);
    const withSecrets: LogRecord & { apiKey: string; clientKey: string; session: string } = {
      ...rec(1, 'hello'), apiKey: 'super-secret-key-123', clientKey: 'ck-secret-456', session: 'tok-789',
    };
    spool.append([withSecrets, rec(2)]);
    spool.close();
    await waitForSize(file, bytesOf([rec(1, 'hello'), rec(2)]));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('apiKey');
    expect(text).not.toContain('super-secret-key-123');
    expect(text).not.toContain('ck-secret-456');
    expect(text).not.toContain('tok-789');
    for (const line of text.trim().split('\n')) expect(Object.keys(JSON.parse(line) as object).sort()).toEqual(['level', 'text', 'time']);
  });

  it('flushSync and close with nothing appended are harmless', () => {
    const spool = new Spool(path.join(dir, 'empty.ndjson'), 1024);
    spool.flushSync();
    spool.close();
    spool.close();
    expect(fs.existsSync(path.join(dir, 'empty.ndjson'))).toBe(false);
  });

  it('flushSync puts appended records on disk synchronously (the exit path)', () => {
    // Regression (fixed in dbb76c2): with an async sonic-boom the file was not open yet right after the
    // first append, flushSync() failed silently and records spooled at process 'exit' were lost.
    const file = path.join(dir, 'exit.ndjson');
    const spool = new Spool(file, 1 << 20);
    spool.append([rec(1)]);
    spool.flushSync();
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').toBe(spoolLine(rec(1)));
    spool.close();
  });
});
