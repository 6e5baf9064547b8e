import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, ROOT, run, type ConsumerApp } from './consumerApp.js';
import { codeBlockAfter } from './readme.js';

/**
 * Bundles fixtures/bundle/app.cjs (as src/app.js) with the esbuild script the root README
 * gives (its "### esbuild" section, run as it is with the app's esbuild), then copies dist/ to a
 * fresh folder outside the app: the bundle runs with no node_modules to fall back on.
 */
export async function buildBundle(app: ConsumerApp): Promise<{ dir: string; files: string[] }> {
  const project = join(app.dir, `bundle-project-${process.pid}-${Math.random().toString(36).slice(2)}`);
  await mkdir(join(project, 'src'), { recursive: true });
  await writeFile(join(project, 'src', 'app.js'), await readFile(join(FIXTURES, 'bundle', 'app.cjs')));
  const script = codeBlockAfter(await readFile(join(ROOT, 'README.md'), 'utf8'), '### esbuild', 'js');
  await writeFile(join(project, 'build.cjs'), script);
  const result = await run(process.execPath, ['build.cjs'], { cwd: project });
  if (result.code !== 0) throw new Error(`the README's esbuild build failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  const dir = await mkdtemp(join(tmpdir(), 'logferry-bundle-'));
  await cp(join(project, 'dist'), dir, { recursive: true });
  return { dir, files: (await readdir(dir)).sort() };
}
