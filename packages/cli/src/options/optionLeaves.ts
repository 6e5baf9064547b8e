/*
 * The transport options as a flat list of leaves, walked from core's zod
 * schema at start-up: an option added to the schema gets its flag, its
 * environment variable and its place in --help with no change here.
 *
 *   optionsSchema ──walk──▶ OptionLeaf[] ──flagNames──▶ --batch-max-events, LOGFERRY_BATCH_MAX_EVENTS
 */

/** The parts of a zod schema's definition the walk reads (zod's `_zod.def`). */
interface SchemaDef {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  in?: Schema;
  options?: readonly Schema[];
  element?: Schema;
  valueType?: Schema;
  entries?: Record<string, string | number>;
  values?: readonly unknown[];
  format?: string | null;
  defaultValue?: unknown;
  discriminator?: string;
}

export interface Schema {
  _zod: { def: SchemaDef };
}

/** How a leaf's text (from a flag or the environment) becomes its value. */
export type LeafKind = 'string' | 'number' | 'int' | 'boolean' | 'enum' | 'scalar' | 'list' | 'map';

export interface OptionLeaf {
  /** Where it goes in the options object: ['batch', 'maxEvents']. */
  path: readonly string[];
  kind: LeafKind;
  /** enum: the allowed values. */
  choices?: readonly string[];
  defaultValue?: unknown;
  /** The sink types it belongs to; undefined: every one. */
  variants?: readonly string[];
  /** The leaf's own schema, to check one value where it came from. */
  schema: Schema;
  /** The same field's schema in the other variants that have it (Initial State's `api` is 'logging' in one, 'events' in the other): a value any of them takes is good. */
  alternatives?: readonly Schema[];
}

/** The discriminator the command line's API argument (datamix, initialstate) sets. */
export const SINK_TYPE = 'type';

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'nonoptional', 'catch']);

function unwrap(schema: Schema): { schema: Schema; defaultValue?: unknown } {
  let current = schema;
  let defaultValue: unknown;
  for (;;) {
    const def = current._zod.def;
    if (def.type === 'default' && defaultValue === undefined) defaultValue = def.defaultValue;
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return defaultValue === undefined ? { schema: current } : { schema: current, defaultValue };
  }
}

function stringsOf(values: readonly unknown[]): string[] {
  return values.filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v)).map(String);
}

/** The kind of a scalar schema, or undefined when it is not one a command line can give. */
function scalarKind(schema: Schema): { kind: LeafKind; choices?: string[] } | undefined {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      return { kind: 'string' };
    case 'number':
      return { kind: def.format === 'safeint' || def.format === 'int32' ? 'int' : 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'enum', choices: stringsOf(Object.values(def.entries ?? {})) };
    case 'literal':
      return { kind: 'enum', choices: stringsOf(def.values ?? []) };
    case 'union': {
      const kinds = (def.options ?? []).map((o) => scalarKind(unwrap(o).schema));
      if (kinds.length === 0 || kinds.some((k) => k === undefined)) return undefined;
      const choices = kinds.flatMap((k) => k?.choices ?? []);
      if (kinds.every((k) => k?.kind === 'enum')) return { kind: 'enum', choices };
      return { kind: 'scalar' };
    }
    default:
      return undefined;
  }
}

/** A union's object variants, a nested union's flattened in (Initial State's sink is a union by `api`). */
function objectVariants(options: readonly Schema[]): Schema[] {
  return options.flatMap((option) => {
    const inner = unwrap(option).schema;
    const def = inner._zod.def;
    return def.type === 'union' ? objectVariants(def.options ?? []) : [inner];
  });
}

function walk(schema: Schema, path: string[], variants: readonly string[] | undefined, out: OptionLeaf[]): void {
  const { schema: inner, defaultValue } = unwrap(schema);
  const def = inner._zod.def;
  const leaf = (kind: LeafKind, choices?: readonly string[]): void => {
    out.push({ path, kind, schema: inner, ...(choices ? { choices } : {}), ...(defaultValue !== undefined ? { defaultValue } : {}), ...(variants ? { variants } : {}) });
  };
  if (def.type === 'object') {
    for (const [key, field] of Object.entries(def.shape ?? {})) walk(field, [...path, key], variants, out);
    return;
  }
  if (def.type === 'union' && def.discriminator === SINK_TYPE && path.join('.') === 'sink') {
    // The command names the sink type: each variant's fields belong to that type.
    for (const option of objectVariants(def.options ?? [])) {
      const shape = option._zod.def.shape ?? {};
      const tag = shape[SINK_TYPE];
      const types = tag ? scalarKind(unwrap(tag).schema)?.choices : undefined;
      for (const [key, field] of Object.entries(shape)) if (key !== SINK_TYPE) walk(field, [...path, key], types ?? variants, out);
    }
    return;
  }
  if (def.type === 'union' && def.discriminator !== undefined) {
    // Any other tagged union: its tag is an option like any other; the variants' fields merge.
    for (const option of def.options ?? []) walk(option, path, variants, out);
    return;
  }
  if (def.type === 'union') {
    // A value that may be a scalar or an object ({min, max} or a count): a leaf for the scalar, leaves for the object's fields.
    const scalars = (def.options ?? []).filter((o) => scalarKind(unwrap(o).schema) !== undefined);
    const objects = (def.options ?? []).filter((o) => unwrap(o).schema._zod.def.type === 'object');
    if (scalars.length > 0) {
      const kinds = scalars.map((o) => scalarKind(unwrap(o).schema));
      const only = kinds.length === 1 ? kinds[0] : undefined;
      leaf(only?.kind ?? 'scalar', only?.choices);
    }
    for (const object of objects) walk(object, path, variants, out);
    return;
  }
  if (def.type === 'array' && def.element && scalarKind(unwrap(def.element).schema)) return leaf('list');
  if (def.type === 'record' && def.valueType && scalarKind(unwrap(def.valueType).schema)) return leaf('map');
  const scalar = scalarKind(inner);
  if (scalar) leaf(scalar.kind, scalar.choices);
  // Anything else (a function, an object of code) is not an option a command line can give.
}

/** Every leaf of the options schema, merged where two sink types share a field. */
export function optionLeaves(schema: Schema): OptionLeaf[] {
  const raw: OptionLeaf[] = [];
  walk(schema, [], undefined, raw);
  const byPath = new Map<string, OptionLeaf>();
  for (const leaf of raw) {
    const key = leaf.path.join('.');
    const seen = byPath.get(key);
    byPath.set(key, seen ? merged(seen, leaf) : leaf);
  }
  return [...byPath.values()];
}

/** One field in several variants: one leaf, for every variant that has it, with every choice. */
function merged(a: OptionLeaf, b: OptionLeaf): OptionLeaf {
  const out: OptionLeaf = { path: a.path, kind: a.kind, schema: a.schema };
  const alternatives = [...(a.alternatives ?? []), ...(b.schema === a.schema ? [] : [b.schema]), ...(b.alternatives ?? [])];
  if (alternatives.length > 0) out.alternatives = alternatives;
  // Variants that differ in their default (the two Initial State APIs' base URLs) show none: core picks it by API.
  if (a.defaultValue !== undefined && a.defaultValue === b.defaultValue) out.defaultValue = a.defaultValue;
  if (a.variants && b.variants) out.variants = [...new Set([...a.variants, ...b.variants])];
  if (a.choices || b.choices) out.choices = [...new Set([...(a.choices ?? []), ...(b.choices ?? [])])];
  return out;
}
