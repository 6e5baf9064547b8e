/**
 * Options objects fuzzed against the schema: a valid base with fields
 * replaced by anything (wrong types, NaN, Infinity, huge numbers, nested
 * junk, `__proto__` keys), fields removed, unknown keys added, and the key
 * planted in other fields too. Each is accepted (and a client can be built
 * and closed from it) or rejected with LOGFERRY_BAD_OPTION (plain http to a
 * non-loopback host: LOGFERRY_INSECURE_URL) naming a field. Never another
 * exception, and never the key in a message. Fixed seed (FUZZ_SEED);
 * FUZZ_RUNS for longer runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, LogferryError, parseOptions, type ClientOptions } from '@logferry/core';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x2222);

/** Every option path, and the option names a message may start with. */
const PATHS = [
  'sink', 'sink.type', 'sink.apiKey', 'sink.apiKeyFile', 'sink.url', 'sink.sessions', 'sink.clientKey', 'sink.clientKeyFile', 'sink.bucketName',
  'sink.bucketId', 'sink.apiUrl', 'sink.eventsUrl', 'sink.signal', 'sink.fields', 'sink.requestsPerSecond', 'sink.maxValueLength',
  'format', 'batch', 'batch.maxEvents', 'batch.maxBytes', 'batch.intervalMs', 'buffer', 'buffer.maxBytes', 'buffer.whenFull',
  'buffer.backpressure', 'retry', 'retry.baseMs', 'retry.maxMs', 'retry.maxElapsedMs', 'retry.requestTimeoutMs', 'spool', 'spool.path',
  'spool.maxBytes', 'levels', 'stale', 'handleSignals', 'allowInsecure', 'exitTimeoutMs', 'onError', 'worker', 'pinoWillSendConfig',
] as const;
const TOP_FIELDS = new Set(PATHS.map((p) => p.split('.')[0]));

/** A spool path the fuzz makes up is created under here, not in the checkout. */
const scratch = mkdtempSync(join(tmpdir(), 'logferry-fuzz-options-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const secret = fc.string({ minLength: 4, maxLength: 24 }).map((s) => `fuzzkey-${s}`);
const wildValue = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withSparseArray: true, withTypedArray: true }),
  fc.constantFrom<unknown>(Number.NaN, Infinity, -Infinity, -0, 2 ** 53 + 1, Number.MAX_VALUE, Number.MIN_VALUE, '', ' ', 'http://example.com', 'http://127.0.0.1:1', 'ftp://x', 'datamix', 'initialstate', 'drop-newest', '/nonexistent/key', true, false, null, undefined),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary' }),
);

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let at: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    const next = at[part];
    if (typeof next !== 'object' || next === null) at[part] = {};
    at = at[part] as Record<string, unknown>;
  }
  Object.defineProperty(at, parts[parts.length - 1] as string, { value, enumerable: true, writable: true, configurable: true });
}

/** A valid base, then changes: set a path to anything, delete it, plant the key there, or add a key of any name (`__proto__` too). */
const optionsInput = fc
  .record({
    key: secret,
    base: fc.constantFrom('datamix', 'initialstate', 'none'),
    edits: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('set' as const), path: fc.constantFrom(...PATHS), value: wildValue }),
        fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...PATHS) }),
        fc.record({ kind: fc.constant('plant' as const), path: fc.constantFrom(...PATHS) }),
        fc.record({ kind: fc.constant('extra' as const), path: fc.constantFrom('', 'sink', 'batch', 'retry', 'spool'), name: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'dispatcher', '$context', 'KEY'), fc.string()), value: wildValue }),
      ),
      { maxLength: 4 },
    ),
  })
  .map(({ key, base, edits }) => {
    const input: Record<string, unknown> =
      base === 'datamix'
        ? { sink: { type: 'datamix', apiKey: key, url: 'http://127.0.0.1:9' } }
        : base === 'initialstate'
          ? { sink: { type: 'initialstate', clientKey: key, bucketName: 'b', apiUrl: 'http://127.0.0.1:9', eventsUrl: 'http://127.0.0.1:9' } }
          : {};
    for (const edit of edits) {
      if (edit.kind === 'set') setPath(input, edit.path, edit.value);
      else if (edit.kind === 'plant') setPath(input, edit.path, key);
      else if (edit.kind === 'delete') {
        const parts = edit.path.split('.');
        const parent = parts.length === 1 ? input : (input[parts[0] as string] as Record<string, unknown> | undefined);
        if (typeof parent === 'object' && parent !== null) delete parent[parts[parts.length - 1] as string];
      } else {
        // 'KEY': an unknown option named like the key itself (zod names unknown keys in its message).
        const name = edit.name === 'KEY' ? key : edit.name;
        setPath(input, edit.path === '' ? name : `${edit.path}.${name}`, edit.value);
      }
    }
    const spool = input.spool as { path?: unknown } | undefined;
    if (typeof spool === 'object' && spool !== null && typeof spool.path === 'string') spool.path = join(scratch, spool.path);
    // The key is a key only where the input holds it as one; elsewhere (an unknown option's name, say, with no key option) it is just text.
    const sink = input.sink as { apiKey?: unknown; clientKey?: unknown } | undefined;
    const isKey = typeof sink === 'object' && sink !== null && (sink.apiKey === key || sink.clientKey === key);
    return { key: isKey ? key : undefined, input };
  });

/** The error for a rejected input is a LogferryError with one of the two codes, naming a field, without the key. */
function expectClearRejection(error: unknown, key: string | undefined): void {
  if (!(error instanceof LogferryError)) throw new Error(`not a LogferryError: ${String(error)}`);
  expect(['LOGFERRY_BAD_OPTION', 'LOGFERRY_INSECURE_URL']).toContain(error.code);
  if (key !== undefined) expect(error.message).not.toContain(key);
  // "invalid logferry options — sink.url: …; batch: …" or "sink.apiKey: required …": each part starts with a field path.
  const body = error.message.replace(/^invalid logferry options — /, '');
  const first = body.split(/[:;]/)[0]?.trim() ?? '';
  const named = first === '(options)' || first === 'dispatcher' || TOP_FIELDS.has(first.split('.')[0] as (typeof PATHS)[number]);
  expect(named, `names no field: ${error.message}`).toBe(true);
}

describe('options, fuzzed against the schema', () => {
  it(`${RUNS} generated option objects: accepted, or LOGFERRY_BAD_OPTION naming a field; never another exception, never the key`, () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(optionsInput, ({ key, input }) => {
        let parsed = false;
        try {
          parseOptions(input, {});
          parsed = true;
        } catch (error) {
          expectClearRejection(error, key);
        }
        // The entry point users call parses the same way, and a client built from accepted options closes cleanly.
        try {
          const client = createClient(input as ClientOptions, { exitHooks: false, onError: (e) => key === undefined || expect(e.message).not.toContain(key) });
          client.closeSync();
          expect(parsed, 'createClient took what parseOptions refused').toBe(true);
          accepted++;
        } catch (error) {
          expectClearRejection(error, key);
          rejected++;
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generator reaches both sides.
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(rejected).toBeGreaterThan(RUNS / 5);
  });
});
