import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeInApp, run, type ConsumerApp } from './consumerApp.js';

/**
 * Builds fixtures/bundle/app.cjs with the app's esbuild (fixtures/bundle/build.cjs, the README's
 * setup), then copies the output to a fresh folder outside the app: it runs with no node_modules
 * to fall back on. Returns that folder.
 */
export async function buildBundle(app: ConsumerApp): Promise<{ dir: string; files: string[] }> {
  const build = await placeInApp(app, 'bundle/build.cjs');
  const entry = await placeInApp(app, 'bundle/app.cjs');
  const out = join(app.dir, `bundle-out-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const result = await run(process.execPath, [build, entry, out], { cwd: app.dir });
  if (result.code !== 0) throw new Error(`esbuild failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  const dir = await mkdtemp(join(tmpdir(), 'logferry-bundle-'));
  await cp(out, dir, { recursive: true });
  return { dir, files: (await readdir(dir)).sort() };
}
