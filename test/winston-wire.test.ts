import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createWorkerStream, levelMapFor, parseOptions, timeOf } from '@logferry/core';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { fastLevelsFor, readerSetup, serializeFast, serializeInfo, writeLine, type WinstonInfo } from '../packages/winston/src/wire.js';

// The wire's writer and its reader together: lines written as log() writes them,
// read by the worker's own intake (createWorkerStream with readerSetup), shipped to the emulator.

const NPM = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };
const levels = levelMapFor(undefined, { winstonLevels: NPM });

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(async () => {
  await emu.close();
});

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.constantFrom('a', 'é', '中', '😀', '"', '\\', '\n', '\r', '\t', '\u2028', '\u0000', '{', '}', ':', ','), maxLength: 20 }),
);
const key = fc
  .oneof(text, fc.constantFrom('__proto__', 'constructor', 'toString', 'time', 'msg', 'level '))
  .filter((k) => !['level', 'timestamp', 'message'].includes(k));
const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());

/** A timestamp inside the API's time window, in each shape winston's formats give it (numbers below 1e11 are epoch seconds). */
function timestampOf(now: number): fc.Arbitrary<unknown> {
  const ms = fc.integer({ min: now - 300_000, max: now });
  return fc.option(
    fc.oneof(
      ms,
      ms.map((t) => new Date(t).toISOString()),
      ms.map((t) => new Date(t)),
      ms.map((t) => Math.floor(t / 1000)),
      ms.map((t) => t / 1000),
      // format.timestamp({ format: 'x' }) and the like: epoch numbers as strings.
      ms.map((t) => String(t)),
      ms.map((t) => String(t / 1000)),
    ),
    { nil: undefined },
  );
}

function infoOf(now: number): fc.Arbitrary<WinstonInfo> {
  return fc
    .record({
      level: fc.constantFrom(...Object.keys(NPM)),
      message: fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: value }),
      fields: fc.dictionary(key, value, { maxKeys: 4 }),
      timestamp: timestampOf(now),
      winstonOrder: fc.boolean(),
    })
    .map(({ level, message, fields, timestamp, winstonOrder }) => {
      const time = timestamp === undefined ? {} : { timestamp };
      // winston's own order (fields, then level and message) and any other.
      return winstonOrder ? { ...fields, level, message, ...time } : { level, message, ...fields, ...time };
    });
}

describe("winston's wire format: written on the main thread, read by the worker's intake", () => {
  it('property: both forms reach the API with the same level, time and text, and those are the record’s own', async () => {
    // stale: 'restamp', so a record whose own `time` field lies outside the API's window still arrives (restamped) and keeps its place.
    const options = { sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { intervalMs: 60_000 }, stale: 'restamp' };
    const fastLevels = fastLevelsFor(parseOptions(options), NPM);
    expect(fastLevels).toBeDefined();
    const now = Date.now();
    let fastLines = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(infoOf(now), { minLength: 1, maxLength: 8 }), async (infos) => {
        emu.reset();
        const stream = await createWorkerStream(options, { ...readerSetup(NPM), onError: (e) => expect.fail(e.message) });
        // Each record twice, general then fast (when the record fits it): a pair of API records per pair of lines.
        const pairs = infos.map((info) => ({ info, general: serializeInfo(info, now), fast: serializeFast(info, now, levels.from(info.level)) }));
        for (const { general, fast } of pairs) {
          stream.write(general);
          if (fast !== undefined) {
            stream.write(fast);
            fastLines++;
          }
        }
        await new Promise<void>((resolve) => stream.end(resolve));
        expect(emu.violations).toEqual([]);
        const records = [...emu.datamix.records];
        for (const { info, general, fast } of pairs) {
          const viaGeneral = records.shift();
          expect(viaGeneral?.level, general).toBe(levels.from(info.level));
          // A field named time is the record's time (see serializeFast), else its timestamp or now.
          if (!Object.hasOwn(info, 'time')) expect(viaGeneral?.timestamp, general).toBe(Math.round(timeOf(info.timestamp, now)));
          if (typeof info.message === 'string' && Object.keys(info).length === 2 + Number(info.timestamp !== undefined)) {
            expect(viaGeneral?.message).toBe(info.message);
          }
          if (fast === undefined) continue;
          const viaFast = records.shift();
          expect({ line: fast, level: viaFast?.level, timestamp: viaFast?.timestamp, message: viaFast?.message }).toEqual({
            line: fast,
            level: viaGeneral?.level,
            timestamp: viaGeneral?.timestamp,
            message: viaGeneral?.message,
          });
        }
        expect(records).toEqual([]);
      }),
      { numRuns: 100 },
    );
    // The fast form was exercised, not always declined.
    expect(fastLines).toBeGreaterThan(100);
  });

  it('writeLine takes the fast form only when it has the levels for it and the record fits', () => {
    const now = 1_795_000_000_000;
    const fastLevels = fastLevelsFor(parseOptions({ sink: { type: 'datamix', apiKey: 'k' } }), NPM);
    expect(writeLine({ level: 'warn', message: 'm' }, now, false, fastLevels)).toBe(`{"level":40,"time":${now},"message":"m"}\n`);
    expect(writeLine({ level: 'warn', message: 'm' }, now, false, undefined)).toBe(`{"level":"warn","time":${now},"message":"m"}\n`);
    expect(writeLine({ level: 'warn', message: { a: 1 } }, now, false, fastLevels)).toBe(`{"level":"warn","time":${now},"message":{"a":1}}\n`);
    // A field named time is read as the record's time, as by the general form and the inline client.
    expect(writeLine({ level: 'warn', message: 'm', time: 5 }, now, false, fastLevels)).toBe(`{"level":"warn","time":5,"message":"m"}\n`);
    expect(fastLevelsFor(parseOptions({ sink: { type: 'datamix', apiKey: 'k' }, format: 'json' }), NPM)).toBeUndefined();
    expect(fastLevelsFor(parseOptions({ sink: { type: 'datamix', apiKey: 'k' }, levels: { 30: 'error' } }), NPM)).toBeUndefined();
  });
});
