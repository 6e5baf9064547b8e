import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { consumerApp, publishablePackages, ROOT, run, type ConsumerApp } from './support/consumerApp.js';

/*
 * What a user sees of each tarball: publint and @arethetypeswrong/cli clean, and every
 * file the manifest names is in it.
 *
 * attw's profile: `node16` (node16 from ESM, node16 from CommonJS, bundler; not TypeScript's
 * pre-`exports` node10 resolution, which no supported setup uses), with the one rule
 * `cjs-resolves-to-esm` ignored. Our packages are ES modules, and we support Node 20.19+, where
 * `require()` of an ES module without top-level await works (require(esm)); TypeScript accepts it
 * under `module: nodenext` since 5.8. attw predates that and still reports it, so under its
 * `strict` profile that rule is the only finding (checked below); every other node16-from-CJS
 * check still runs. The CommonJS consumers themselves are tested for real (load.test.ts, loggers.test.ts,
 * types.test.ts).
 */
const ATTW_PROFILE = ['--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm'];

let app: ConsumerApp;
beforeAll(async () => {
  app = await consumerApp();
}, 600_000);

const bin = (name: string): string => join(app.dir, 'node_modules', '.bin', name);

interface Manifest {
  name: string;
  main?: string;
  types?: string;
  bin?: Record<string, string>;
  exports?: Record<string, string | Record<string, string>>;
  files?: string[];
  repository?: { url?: string; directory?: string };
  keywords?: string[];
  engines?: { node?: string };
  description?: string;
  license?: string;
}

describe('every tarball, as published', () => {
  for (const { name, dir } of publishablePackages()) {
    describe(name, () => {
      const tarball = (): string => app.packages.find((p) => p.name === name)!.tarball;

      it('publint --strict: all good', async () => {
        const result = await run(bin('publint'), ['run', tarball(), '--strict', '--level', 'suggestion'], { cwd: app.dir });
        expect(result.stdout).toContain('All good!');
        expect(result.code).toBe(0);
      });

      it(`attw ${ATTW_PROFILE.join(' ')}: no problems`, async () => {
        const [result, strict] = await Promise.all([
          run(bin('attw'), [tarball(), ...ATTW_PROFILE, '--no-definitely-typed', '--format', 'json'], { cwd: app.dir }),
          run(bin('attw'), [tarball(), '--profile', 'strict', '--no-definitely-typed', '--format', 'json'], { cwd: app.dir }),
        ]);
        const report = JSON.parse(result.stdout) as { analysis: { problems: unknown[]; types: { kind: string } } };
        expect(report.analysis.types.kind).toBe('included');
        // The strict profile's findings, all of them require(esm)'s (see the top of this file).
        const problems = report.analysis.problems as { kind: string }[];
        expect(problems.filter((p) => p.kind !== 'CJSResolvesToESM')).toEqual([]);
        const kinds = new Set((JSON.parse(strict.stdout) as { analysis: { problems: { kind: string }[] } }).analysis.problems.map((p) => p.kind));
        expect([...kinds].filter((k) => k !== 'CJSResolvesToESM')).toEqual([]);
        expect(result.code).toBe(0);
      });

      it('every file the manifest names is in the tarball, and the metadata a user looks for is there', async () => {
        const listing = await run('tar', ['-tzf', tarball()], { cwd: app.dir });
        const files = new Set(listing.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, '')));
        const manifest = JSON.parse(readFileSync(join(app.dir, 'node_modules', name, 'package.json'), 'utf8')) as Manifest;
        const named: string[] = [];
        if (manifest.main) named.push(manifest.main);
        if (manifest.types) named.push(manifest.types);
        for (const target of Object.values(manifest.bin ?? {})) named.push(target);
        for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
          const conditions = typeof target === 'string' ? { default: target } : target;
          // `types` first, so TypeScript picks it before any other condition.
          if (typeof target !== 'string' && subpath !== './package.json') expect(Object.keys(target)[0]).toBe('types');
          named.push(...Object.values(conditions));
        }
        const missing = named.map((f) => f.replace(/^\.\//, '')).filter((f) => !files.has(f));
        expect(missing).toEqual([]);
        expect(files.has('README.md')).toBe(true);
        // package.json says MIT: the tarball carries the license text, the root's own.
        expect(files.has('LICENSE')).toBe(true);
        expect(readFileSync(join(app.dir, 'node_modules', name, 'LICENSE'), 'utf8')).toBe(readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
        expect([...files].filter((f) => f.endsWith('.tsbuildinfo') || f.startsWith('test/'))).toEqual([]);
        // Source maps and declaration maps point into src/, which is shipped for them. (The worker
        // bundles' maps also name the sources of @logferry/core they took in: ../ of this package.)
        for (const map of [...files].filter((f) => f.endsWith('.map')).slice(0, 5)) {
          const sources = (JSON.parse(readFileSync(join(app.dir, 'node_modules', name, map), 'utf8')) as { sources: string[] }).sources;
          for (const source of sources.filter((s) => !s.includes('node_modules'))) {
            const resolved = join(map, '..', source).replace(/\\/g, '/');
            expect(files.has(resolved) || resolved.startsWith('../'), `${map} → ${source}`).toBe(true);
          }
        }
        expect(manifest.description?.length ?? 0).toBeGreaterThan(20);
        expect(manifest.license).toBe('MIT');
        expect(manifest.repository?.url).toMatch(/^git\+https:\/\//);
        expect(manifest.repository?.directory).toBe(`packages/${dir.split('/').pop()}`);
        expect(manifest.engines?.node).toBe('>=20.19');
        expect(manifest.keywords?.length).toBeGreaterThan(3);
        if (name === '@logferry/pino') expect(manifest.keywords).toEqual(expect.arrayContaining(['pino', 'pino-transport']));
        if (name === '@logferry/winston') expect(manifest.keywords).toEqual(expect.arrayContaining(['winston', 'winston-transport']));
      });
    });
  }
});
