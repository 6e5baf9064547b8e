import { createRequire } from 'node:module';

/**
 * Loads one of Node's built-in modules when it is first needed, not with the
 * worker: an ES import of node:fs also loads fs/promises and readline, and
 * node:crypto or node:https cost a few ms each to load. process.getBuiltinModule
 * is in Node 20.16+ and 22.3+; `engines` (>=20.19) also admits 21.x and
 * 22.0–22.2, where a `require` does the same. No top-level await: a module
 * graph with one cannot be require()d by a CommonJS app.
 */
export const builtin: typeof process.getBuiltinModule =
  typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule.bind(process)
    : (createRequire(import.meta.url) as unknown as typeof process.getBuiltinModule);
