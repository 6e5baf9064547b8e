/*
 * The hot part of the winston wire's fast form: a record's fields as JSON
 * members (`"a":1,"b":"x"`), written straight from winston's `info` without
 * copying them into a new object first. Only for flat values (strings,
 * numbers, booleans, null; undefined, functions and symbols are left out as
 * JSON.stringify leaves them out); anything else answers undefined and the
 * caller takes the general path. Tested against JSON.stringify of the copy
 * (test/winston-flatFields.test.ts); it saves the copy, a second scan of the
 * values and the slice of the braces (bench/README.md).
 */

/** Keys already quoted: records repeat the same few keys, and quoting one costs more than a lookup. */
const quoted = new Map<string, string>();
const MAX_QUOTED = 1024;

function quote(key: string): string {
  let q = quoted.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    if (quoted.size < MAX_QUOTED) quoted.set(key, q);
  }
  return q;
}

/**
 * `info`'s own enumerable string keys but those in `skip`, as JSON object
 * members without the braces ('' for none), or undefined when a value is not
 * flat.
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
    out += out === '' ? `${quote(key)}:${json}` : `,${quote(key)}:${json}`;
  }
  return out;
}
