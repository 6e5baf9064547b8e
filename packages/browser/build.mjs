// Bundles the page-side logger, with the parts of @logferry/core it runs
// (`@logferry/core/portable`), into one ES module a page loads as it is: no
// dependencies, no Node built-ins (platform 'browser' fails the build on one).
// Prints its size minified and gzipped and fails above the budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * core's pino line scanner, and the text of the records it makes (pino's line
 * and spans), serve the Node transports (a worker reads pino's lines); a page
 * hands objects only, so no record in it ever has spans. Both are left out
 * here (a line would be kept as its message, as for any text that is not JSON).
 */
const noPinoLines = {
  name: 'no-pino-lines',
  setup(b) {
    b.onResolve({ filter: /\/pino(Line|Text)\.js$/ }, (args) =>
      args.importer.includes(join('core', 'dist')) ? { path: join(here, 'src', 'pageStubs', args.path.slice(args.path.lastIndexOf('/') + 1).replace(/\.js$/, '.ts')) } : undefined,
    );
  },
};
const BUDGET = 10 * 1024;
const common = {
  entryPoints: [join(here, 'src/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'warning',
  plugins: [noPinoLines],
};

await build({ ...common, outfile: join(here, 'dist/index.js'), sourcemap: 'linked', minifySyntax: true });
const minified = await build({ ...common, write: false, minify: true });
const bytes = minified.outputFiles[0].contents;
if (process.env.LOGFERRY_DUMP_MIN) (await import('node:fs')).writeFileSync(process.env.LOGFERRY_DUMP_MIN, bytes);
const gzipped = gzipSync(bytes, { level: 9 }).length;
const line = `@logferry/browser: ${bytes.length} bytes minified, ${gzipped} bytes minified+gzipped (budget ${BUDGET})`;
if (gzipped > BUDGET) {
  console.error(`${line}: over budget`);
  process.exit(1);
}
console.log(line);
