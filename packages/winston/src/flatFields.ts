/*
 * The hot part of the winston wire's fast form: a record's fields as JSON
 * members, each after a comma (`,"a":1,"b":"x"`), written straight from winston's `info` without
 * copying them into a new object first. Only for flat values (strings,
 * numbers, booleans, null; undefined, functions and symbols are left out as
 * JSON.stringify leaves them out); anything else answers undefined and the
 * caller takes the general path. Tested against JSON.stringify of the copy
 * (test/winston-flatFields.test.ts); it saves the copy, a second scan of the
 * values and the slice of the braces (bench/README.md).
 */

/** Keys already written as `,"key":`: records repeat the same few keys, and quoting one costs more than a lookup. */
const prefixes = new Map<string, string>();
const MAX_PREFIXES = 1024;

function prefix(key: string): string {
  let p = prefixes.get(key);
  if (p === undefined) {
    p = `,${JSON.stringify(key)}:`;
    if (prefixes.size < MAX_PREFIXES) prefixes.set(key, p);
  }
  return p;
}

/**
 * `info`'s own enumerable string keys but those in `skip`, as JSON object
 * members each after a comma, without the braces ('' for none), or undefined
 * when a value is not flat.
 */
export function flatFieldsJson(info: Record<string, unknown>, skip: ReadonlySet<string>): string | undefined {
  let out = '';
  for (const key of Object.keys(info)) {
    if (skip.has(key)) continue;
    const v = info[key];
    let json: string;
    switch (typeof v) {
      case 'string':
        json = JSON.stringify(v);
        break;
      case 'number':
        json = Number.isFinite(v) ? String(v) : 'null';
        break;
      case 'boolean':
        json = v ? 'true' : 'false';
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        continue;
      default:
        if (v !== null) return undefined;
        json = 'null';
    }
    out += prefix(key) + json;
  }
  return out;
}
