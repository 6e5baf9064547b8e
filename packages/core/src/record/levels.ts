export const DATAMIX_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type DatamixLevel = (typeof DATAMIX_LEVELS)[number];

/** Severity rank of each Datamix level, low to high. */
const RANK: Record<DatamixLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, fatal: 4 };

/** Level names pino, winston (npm, syslog, cli) and the Datamix API use, mapped as DESIGN.md says. */
const KNOWN_NAMES: Record<string, DatamixLevel> = Object.assign(Object.create(null) as Record<string, DatamixLevel>, {
  trace: 'debug', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'fatal',
  // winston npm
  http: 'info', verbose: 'debug', silly: 'debug',
  // winston syslog
  emerg: 'fatal', alert: 'fatal', crit: 'fatal', warning: 'warn', notice: 'info',
  // winston cli
  help: 'info', data: 'info', prompt: 'debug', input: 'debug',
});

/** pino's standard numeric levels: higher is more severe. */
const PINO_STANDARD: readonly [number, DatamixLevel][] = [
  [60, 'fatal'], [50, 'error'], [40, 'warn'], [30, 'info'], [20, 'debug'], [10, 'debug'],
];

export function isDatamixLevel(value: string): value is DatamixLevel {
  return Object.hasOwn(RANK, value);
}

/** A lookup that never reaches Object.prototype ('constructor', '__proto__' are level names like any other). */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * A pino numeric level mapped to Datamix: standard levels directly, anything
 * else to the nearest standard level below it (35 → info); below trace → debug.
 */
export function levelFromPinoNumber(level: number): DatamixLevel {
  for (const [threshold, mapped] of PINO_STANDARD) {
    if (level >= threshold) return mapped;
  }
  return 'debug';
}

export interface LevelMapOptions {
  /** pino level names → numbers (pino's own plus customLevels); higher is more severe. */
  pinoLevels?: Record<string, number>;
  /** winston level names → numbers (logger.levels); lower is more severe. */
  winstonLevels?: Record<string, number>;
  /** user overrides: level name or number (as a string) → Datamix level. */
  overrides?: Record<string, DatamixLevel>;
}

/** Maps the levels of one logger to Datamix levels; built once, then a map lookup per record. */
export class LevelMap {
  private readonly byName = new Map<string, DatamixLevel>();
  private readonly byNumber = new Map<number, DatamixLevel>();
  private readonly overrides: Record<string, DatamixLevel>;

  constructor(options: LevelMapOptions = {}) {
    this.overrides = options.overrides ?? {};
    if (options.pinoLevels) {
      for (const [name, value] of Object.entries(options.pinoLevels)) {
        const mapped = own(this.overrides, name) ?? own(this.overrides, String(value)) ?? own(KNOWN_NAMES, name) ?? levelFromPinoNumber(value);
        this.byName.set(name, mapped);
        this.byNumber.set(value, mapped);
      }
    }
    if (options.winstonLevels) this.addWinston(options.winstonLevels);
  }

  /** winston numbers run the other way (0 is most severe): an unknown name takes the nearest known level less severe than it. */
  private addWinston(levels: Record<string, number>): void {
    const entries = Object.entries(levels).sort((a, b) => a[1] - b[1]);
    for (const [name, value] of entries) {
      const direct = own(this.overrides, name) ?? own(KNOWN_NAMES, name);
      if (direct) {
        this.byName.set(name, direct);
        continue;
      }
      const below = entries.find(([other, otherValue]) => otherValue > value && own(KNOWN_NAMES, other) !== undefined);
      this.byName.set(name, below ? (own(KNOWN_NAMES, below[0]) as DatamixLevel) : 'debug');
    }
  }

  fromNumber(level: number): DatamixLevel {
    let mapped = this.byNumber.get(level);
    if (mapped === undefined) {
      mapped = own(this.overrides, String(level)) ?? levelFromPinoNumber(level);
      // Lines from stdin can carry any level: remember a bounded number of them.
      if (this.byNumber.size < MAX_REMEMBERED) this.byNumber.set(level, mapped);
    }
    return mapped;
  }

  fromName(level: string): DatamixLevel {
    let mapped = this.byName.get(level);
    if (mapped === undefined) {
      mapped = own(this.overrides, level) ?? own(KNOWN_NAMES, level) ?? own(KNOWN_NAMES, level.toLowerCase()) ?? 'info';
      if (this.byName.size < MAX_REMEMBERED) this.byName.set(level, mapped);
    }
    return mapped;
  }

  from(level: unknown): DatamixLevel {
    if (typeof level === 'number') return this.fromNumber(level);
    if (typeof level === 'string') return this.fromName(level);
    return 'info';
  }
}

/** How many level names and numbers a LevelMap remembers beyond the logger's own. */
const MAX_REMEMBERED = 1024;

const PINO_DEFAULT_LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * The level map for one logger from the `levels` option (name → Datamix level
 * overrides; name → number declares a pino custom level) and what the logger
 * itself says: pino's level values, or winston's level set.
 */
export function levelMapFor(
  levels: Record<string, DatamixLevel | number> | undefined,
  logger: { pinoLevels?: Record<string, number>; winstonLevels?: Record<string, number> } = {},
): LevelMap {
  const overrides: Record<string, DatamixLevel> = {};
  const custom: Record<string, number> = {};
  for (const [name, value] of Object.entries(levels ?? {})) {
    if (typeof value === 'number') custom[name] = value;
    else overrides[name] = value;
  }
  if (logger.winstonLevels) return new LevelMap({ winstonLevels: logger.winstonLevels, overrides });
  return new LevelMap({ pinoLevels: { ...PINO_DEFAULT_LEVELS, ...logger.pinoLevels, ...custom }, overrides });
}
