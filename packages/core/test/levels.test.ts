import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DATAMIX_LEVELS, LevelMap, isDatamixLevel, levelFromPinoNumber, type DatamixLevel } from '../src/record/levels.js';

// A fixed seed keeps every run identical; raise numRuns locally to explore more.
fc.configureGlobal({ seed: 0x10f3e77 });

const PINO_DEFAULT = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const STANDARD: readonly [number, DatamixLevel][] = [
  [10, 'debug'], [20, 'debug'], [30, 'info'], [40, 'warn'], [50, 'error'], [60, 'fatal'],
];

/** The reference rule: the level of the largest standard threshold ≤ n (below trace → debug). */
function expectedForNumber(n: number): DatamixLevel {
  let result: DatamixLevel = 'debug';
  for (const [threshold, level] of STANDARD) if (threshold <= n) result = level;
  return result;
}

describe('pino numeric levels', () => {
  it('maps the standard levels', () => {
    const map = new LevelMap({ pinoLevels: PINO_DEFAULT });
    expect([10, 20, 30, 40, 50, 60].map((n) => map.fromNumber(n))).toEqual(['debug', 'debug', 'info', 'warn', 'error', 'fatal']);
    expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((n) => map.fromName(n))).toEqual([
      'debug', 'debug', 'info', 'warn', 'error', 'fatal',
    ]);
  });

  it('maps custom numbers to the nearest standard level below them', () => {
    const map = new LevelMap();
    expect(map.fromNumber(35)).toBe('info');
    expect(map.fromNumber(45)).toBe('warn');
    expect(map.fromNumber(5)).toBe('debug');
    expect(map.fromNumber(100)).toBe('fatal');
    expect(map.fromNumber(0)).toBe('debug');
    expect(map.fromNumber(-7)).toBe('debug');
    expect(map.fromNumber(59)).toBe('error');
  });

  it('property: result is the level of the largest standard threshold ≤ n', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -100, max: 200 }), fc.integer()), (n) => {
        const expected = expectedForNumber(n);
        expect(levelFromPinoNumber(n)).toBe(expected);
        expect(new LevelMap().fromNumber(n)).toBe(expected);
        expect(new LevelMap({ pinoLevels: PINO_DEFAULT }).from(n)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('maps a pino custom level by name and by number', () => {
    const map = new LevelMap({ pinoLevels: { ...PINO_DEFAULT, audit: 35, panic: 70, chatter: 15 } });
    expect(map.fromName('audit')).toBe('info');
    expect(map.fromNumber(35)).toBe('info');
    expect(map.fromName('panic')).toBe('fatal');
    expect(map.fromName('chatter')).toBe('debug');
  });
});

describe('winston level sets', () => {
  it('npm: http→info, verbose/silly→debug', () => {
    const map = new LevelMap({ winstonLevels: { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 } });
    expect(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'].map((l) => map.fromName(l))).toEqual([
      'error', 'warn', 'info', 'info', 'debug', 'debug', 'debug',
    ]);
  });

  it('syslog: emerg/alert/crit→fatal, warning→warn, notice→info', () => {
    const map = new LevelMap({
      winstonLevels: { emerg: 0, alert: 1, crit: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7 },
    });
    expect(['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'].map((l) => map.fromName(l))).toEqual([
      'fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug',
    ]);
  });

  it('cli: help/data→info, prompt/verbose/input/silly→debug', () => {
    const map = new LevelMap({
      winstonLevels: { error: 0, warn: 1, help: 2, data: 3, info: 4, debug: 5, prompt: 6, verbose: 7, input: 8, silly: 9 },
    });
    expect(
      ['error', 'warn', 'help', 'data', 'info', 'debug', 'prompt', 'verbose', 'input', 'silly'].map((l) => map.fromName(l)),
    ).toEqual(['error', 'warn', 'info', 'info', 'info', 'debug', 'debug', 'debug', 'debug', 'debug']);
  });

  it('custom set: an unknown name takes the nearest standard level less severe than it', () => {
    const map = new LevelMap({ winstonLevels: { panic: 0, error: 1, chatty: 2, info: 3 } });
    expect(map.fromName('chatty')).toBe('info');
    // "below" in severity, as with pino numbers (35 → info): panic is more severe than error, so it maps to error.
    expect(map.fromName('panic')).toBe('error');
    expect(map.fromName('error')).toBe('error');
    expect(map.fromName('info')).toBe('info');
  });

  it('custom set: an unknown name less severe than every known one maps to debug', () => {
    const map = new LevelMap({ winstonLevels: { error: 0, info: 1, whisper: 9 } });
    expect(map.fromName('whisper')).toBe('debug');
  });

  it('custom set: the nearest known name decides, through the name map (http→info)', () => {
    const map = new LevelMap({ winstonLevels: { error: 0, loud: 1, http: 2, quiet: 3, silly: 4 } });
    expect(map.fromName('loud')).toBe('info');
    expect(map.fromName('quiet')).toBe('debug');
  });

  it('property: a custom name maps to the level of the nearest known name less severe, else debug', () => {
    const known = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly', 'emerg', 'crit', 'notice'] as const;
    const knownMap: Record<string, DatamixLevel> = {
      error: 'error', warn: 'warn', info: 'info', http: 'info', verbose: 'debug', debug: 'debug', silly: 'debug',
      emerg: 'fatal', crit: 'fatal', notice: 'info',
    };
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...known, 'c1', 'c2', 'c3', 'c4'), { minLength: 1, maxLength: 10 }),
        (names) => {
          const levels: Record<string, number> = {};
          names.forEach((name, i) => (levels[name] = i));
          const map = new LevelMap({ winstonLevels: levels });
          names.forEach((name, i) => {
            const direct = knownMap[name];
            const below = names.slice(i + 1).find((other) => knownMap[other] !== undefined);
            const expected = direct ?? (below === undefined ? 'debug' : knownMap[below]);
            expect(map.fromName(name)).toBe(expected);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('overrides and fallbacks', () => {
  it('overrides win for winston names', () => {
    const map = new LevelMap({ winstonLevels: { error: 0, warn: 1, info: 2, http: 3 }, overrides: { http: 'debug', error: 'fatal' } });
    expect(map.fromName('http')).toBe('debug');
    expect(map.fromName('error')).toBe('fatal');
    expect(map.fromName('warn')).toBe('warn');
  });

  it('overrides win for pino names and numbers', () => {
    const map = new LevelMap({ pinoLevels: { ...PINO_DEFAULT, audit: 35 }, overrides: { audit: 'warn', '50': 'fatal' } });
    expect(map.fromName('audit')).toBe('warn');
    expect(map.fromNumber(35)).toBe('warn');
    expect(map.fromNumber(50)).toBe('fatal');
    expect(map.fromName('error')).toBe('fatal');
  });

  it('a number override applies to numbers not declared as levels', () => {
    const map = new LevelMap({ overrides: { '42': 'fatal' } });
    expect(map.fromNumber(42)).toBe('fatal');
    expect(map.fromNumber(41)).toBe('warn');
  });

  it('unknown names fall back to the name table (any case), then info', () => {
    const map = new LevelMap();
    expect(map.fromName('WARN')).toBe('warn');
    expect(map.fromName('Warning')).toBe('warn');
    expect(map.fromName('crit')).toBe('fatal');
    expect(map.fromName('whatever')).toBe('info');
    expect(map.from(undefined)).toBe('info');
    expect(map.from({})).toBe('info');
    // a cached lookup returns the same answer
    expect(map.fromName('whatever')).toBe('info');
  });

  it('lines with ever new level names or numbers do not grow the map without bound', () => {
    const map = new LevelMap({ pinoLevels: PINO_DEFAULT });
    for (let i = 0; i < 5000; i++) {
      expect(map.fromName(`Warn-${i}`)).toBe('info');
      expect(map.fromNumber(1000 + i)).toBe('fatal');
    }
    const inner = map as unknown as { byName: Map<string, DatamixLevel>; byNumber: Map<number, DatamixLevel> };
    expect(inner.byName.size).toBeLessThanOrEqual(1024);
    expect(inner.byNumber.size).toBeLessThanOrEqual(1024);
    // past the bound, answers are still right
    expect(map.fromName('WARNING')).toBe('warn');
    expect(map.fromNumber(45)).toBe('warn');
  });

  it('isDatamixLevel rejects Object.prototype member names', () => {
    // Regression: `value in RANK` also sees inherited members, so a spool line with level "toString" is accepted.
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) expect(isDatamixLevel(name)).toBe(false);
  });

  it('a level name that is an Object.prototype member still maps to a Datamix level', () => {
    // Regression: KNOWN_NAMES / overrides are plain objects, so "constructor" resolves to the function Object.
    const map = new LevelMap();
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(DATAMIX_LEVELS).toContain(map.fromName(name));
      expect(DATAMIX_LEVELS).toContain(map.from(name));
    }
    const winston = new LevelMap({ winstonLevels: { error: 0, constructor: 1, info: 2 } });
    expect(winston.fromName('constructor')).toBe('info');
  });

  it('property: any string or number level maps to one of the five Datamix levels', () => {
    const map = new LevelMap({ pinoLevels: PINO_DEFAULT, winstonLevels: { error: 0, warn: 1, info: 2 } });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('toString', 'constructor', '__proto__'), fc.integer(), fc.double()), (level) => {
        expect(DATAMIX_LEVELS).toContain(map.from(level));
      }),
      { numRuns: 300 },
    );
  });

  it('isDatamixLevel', () => {
    for (const level of DATAMIX_LEVELS) expect(isDatamixLevel(level)).toBe(true);
    expect(isDatamixLevel('trace')).toBe(false);
  });
});
