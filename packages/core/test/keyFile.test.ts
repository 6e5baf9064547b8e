import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogferryError } from '../src/errors/logferryError.js';
import { KeyFile, readKeyFiles, REREAD_MS } from '../src/node/keyFile.js';
import { parseOptions } from '../src/options/options.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'logferry-keyfile-'));
  dirs.push(dir);
  const path = join(dir, 'key');
  writeFileSync(path, text);
  return path;
}
function thrown(fn: () => unknown): LogferryError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LogferryError);
    return error as LogferryError;
  }
  throw new Error('expected a LogferryError');
}

describe('KeyFile', () => {
  it('reads the key once at start, trimmed (a mounted secret often ends with a newline), and hands it over for redaction', () => {
    const seen: string[] = [];
    const keys = new KeyFile('sink.apiKeyFile', file('  key-one-1234\n'), (k) => seen.push(k));
    expect(keys.current()).toBe('key-one-1234');
    expect(seen).toEqual(['key-one-1234']);
  });

  it('an unreadable or empty file at start is LOGFERRY_BAD_OPTION naming the field and the path, never the contents', () => {
    const missing = thrown(() => new KeyFile('sink.apiKeyFile', '/nonexistent/logferry/key', () => undefined));
    expect(missing.code).toBe('LOGFERRY_BAD_OPTION');
    expect(missing.message).toBe('sink.apiKeyFile: could not read the key file /nonexistent/logferry/key (ENOENT)');
    const empty = thrown(() => new KeyFile('sink.clientKeyFile', file(' \n'), () => undefined));
    expect(empty.message).toMatch(/^sink\.clientKeyFile: the key file .* is empty$/);
  });

  it('refused: reads at once the first time; a new key is tried now; while refused, the file is read at most every 30 s; accepted starts over', () => {
    let now = 1_000_000;
    const path = file('key-A-1234');
    const seen: string[] = [];
    const keys = new KeyFile('sink.apiKeyFile', path, (k) => seen.push(k), () => now);
    // Refused, file unchanged: wait the rest of 30 s, and report (once).
    expect(keys.refused()).toEqual({ retryInMs: REREAD_MS, report: true });
    now += 10_000;
    writeFileSync(path, 'key-B-5678');
    // Refused again 10 s later: not read (20 s to go), not reported again.
    expect(keys.refused()).toEqual({ retryInMs: 20_000, report: false });
    expect(keys.current()).toBe('key-A-1234');
    now += 20_000;
    // 30 s after the last read: read, a new key, try it now.
    expect(keys.refused()).toEqual({ retryInMs: 0, report: false });
    expect(keys.current()).toBe('key-B-5678');
    expect(seen).toEqual(['key-A-1234', 'key-B-5678']);
    keys.accepted();
    now += 1;
    writeFileSync(path, 'key-C-9012');
    // A refusal after an acceptance reads at once.
    expect(keys.refused()).toEqual({ retryInMs: 0, report: false });
    expect(keys.current()).toBe('key-C-9012');
  });

  it('a file that disappears mid-rotation keeps the last key and waits', () => {
    let now = 0;
    const path = file('key-A-1234');
    const keys = new KeyFile('sink.apiKeyFile', path, () => undefined, () => now);
    rmSync(path);
    now = 5;
    expect(keys.refused()).toEqual({ retryInMs: REREAD_MS, report: true });
    expect(keys.current()).toBe('key-A-1234');
  });
});

describe('key file options', () => {
  it('apiKeyFile stands in for apiKey (no key option or environment needed) and readKeyFiles fills it in', () => {
    const path = file('file-key-1234\n');
    const resolved = parseOptions({ sink: { type: 'datamix', apiKeyFile: path } }, {});
    const secrets: string[] = [];
    const { options, keys } = readKeyFiles(resolved, secrets);
    expect(options.sink).toMatchObject({ type: 'datamix', apiKey: 'file-key-1234', apiKeyFile: path });
    expect(keys.apiKey?.current()).toBe('file-key-1234');
    expect(secrets).toEqual(['file-key-1234']);
    const is = readKeyFiles(parseOptions({ sink: { type: 'initialstate', clientKeyFile: path, bucketName: 'b' } }, {}));
    expect(is.options.sink).toMatchObject({ clientKey: 'file-key-1234' });
    expect(is.keys.clientKey?.field).toBe('sink.clientKeyFile');
  });

  it('a key and its key file together are refused, naming both and showing neither', () => {
    const error = thrown(() => parseOptions({ sink: { type: 'datamix', apiKey: 'secret-key-1234', apiKeyFile: '/run/secrets/k' } }, {}));
    expect(error.message).toBe('sink.apiKeyFile: set sink.apiKey or sink.apiKeyFile, not both');
    const missing = thrown(() => parseOptions({ sink: { type: 'initialstate', bucketName: 'b' } }, {}));
    expect(missing.message).toBe('sink.clientKey: required (or set sink.clientKeyFile, or the IS_CLIENT_KEY environment variable)');
  });
});
