/**
 * The `Accept-Version` header as the Events API reads it: a semver range
 * written like an npm dependency (`~0`, `<=0.0.4`, `0.0.x`, `^0.0.1 || 1`),
 * satisfied by one of the versions the server speaks.
 */
type Version = [number, number, number];
type Comparator = { op: '<' | '<=' | '>' | '>=' | '='; version: Version };

const PART = /^(<=|>=|<|>|=|~|\^)?v?(\d+|x|X|\*)(?:\.(\d+|x|X|\*))?(?:\.(\d+|x|X|\*))?$/;

function num(part: string | undefined): number | undefined {
  return part === undefined || /^[xX*]$/.test(part) ? undefined : Number(part);
}

/** The comparators one range part stands for, or undefined when it is not one. */
function comparators(part: string): Comparator[] | undefined {
  if (part === '*' || part === 'x' || part === 'X') return [];
  const m = PART.exec(part);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const [major, minor, patch] = [num(m[2]), num(m[3]), num(m[4])];
  if (major === undefined) return op === '' || op === '=' ? [] : undefined;
  const low: Version = [major, minor ?? 0, patch ?? 0];
  // The first version past what a partial or a tilde/caret range allows.
  const next = (level: 0 | 1 | 2): Version => (level === 0 ? [major + 1, 0, 0] : level === 1 ? [major, (minor ?? 0) + 1, 0] : [major, minor ?? 0, (patch ?? 0) + 1]);
  const free: 0 | 1 | 2 = minor === undefined ? 0 : patch === undefined ? 1 : 2;
  switch (op) {
    case '':
    case '=':
      return free === 2 ? [{ op: '=', version: low }] : [{ op: '>=', version: low }, { op: '<', version: next(free) }];
    case '~':
      return [{ op: '>=', version: low }, { op: '<', version: next(free === 0 ? 0 : 1) }];
    case '^': {
      const level = major > 0 || free === 0 ? 0 : (minor ?? 0) > 0 || free === 1 ? 1 : 2;
      return [{ op: '>=', version: low }, { op: '<', version: next(level) }];
    }
    case '<':
      return [{ op: '<', version: low }];
    case '>=':
      return [{ op: '>=', version: low }];
    case '<=':
      return free === 2 ? [{ op: '<=', version: low }] : [{ op: '<', version: next(free) }];
    case '>':
      return free === 2 ? [{ op: '>', version: low }] : [{ op: '>=', version: next(free) }];
    default:
      return undefined;
  }
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function holds(c: Comparator, v: Version): boolean {
  const d = compare(v, c.version);
  return c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : c.op === '>=' ? d >= 0 : d === 0;
}

/** Whether `range` is a readable semver range that one of `versions` ('0.0.1', …) satisfies. */
export function acceptsVersion(range: string, versions: readonly string[]): boolean {
  const parsed = versions.map((v) => v.split('.').map(Number) as Version);
  for (const alternative of range.split('||')) {
    const parts = alternative.trim().replace(/(<=|>=|<|>|=|~|\^)\s+/g, '$1').split(/\s+/).filter((p) => p !== '');
    const all: Comparator[] = [];
    let readable = true;
    for (const part of parts) {
      const cs = comparators(part);
      if (cs === undefined) readable = false;
      else all.push(...cs);
    }
    if (readable && parsed.some((v) => all.every((c) => holds(c, v)))) return true;
  }
  return false;
}
