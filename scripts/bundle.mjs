// Bundles the code that runs in the worker threads into one ES module per
// worker (after tsc has built dist/). Loading ~80 small modules (zod's alone
// are ~60) costs a new worker ~200 ms of CPU before it can read a line, and
// every pino.transport() or winston transport starts one; a single file loads in
// a fraction of that. The tsc output stays as it is for types and the main thread.
//   node scripts/bundle.mjs [pino] [winston]   (default: both)
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const workers = [
  // pino imports the package itself in its worker: its entry is the bundle.
  { name: 'pino', entry: 'packages/pino/dist/index.js', out: 'packages/pino/dist/transport.js', external: ['pino'] },
  // winston's transport starts this file in its thread-stream worker.
  { name: 'winston', entry: 'packages/winston/dist/worker.js', out: 'packages/winston/dist/worker.bundle.js', external: [] },
];

const only = process.argv.slice(2);
await Promise.all(
  workers.filter(({ name }) => only.length === 0 || only.includes(name)).map(({ entry, out, external }) =>
    build({
      entryPoints: [join(root, entry)],
      outfile: join(root, out),
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20.19',
      external,
      minifySyntax: true,
      minifyWhitespace: true,
      sourcemap: 'linked',
      legalComments: 'linked',
      logLevel: 'warning',
      // CommonJS dependencies (sonic-boom, pino-abstract-transport, undici) require Node's built-ins.
      // undici is reached only through a dynamic import of two dispatcher files (see
      // core's transport/defaultDispatcher.ts): esbuild keeps it in the bundle but evaluates it on first use.
      // A user's bundler may bundle this file again into CommonJS (esbuild's default for platform node), where
      // import.meta is {}: there the bundle's own __filename stands in.
      banner: { js: "import { createRequire as __logferryRequire } from 'node:module'; const require = __logferryRequire(import.meta.url ?? __filename);" },
    }),
  ),
);
