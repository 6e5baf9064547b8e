import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerApp, FIXTURES, run, type ConsumerApp } from './support/consumerApp.js';

/*
 * TypeScript projects inside the consumer app type-check test/consumers/fixtures/typed-consumer.mts
 * against the published .d.ts, with the app's own typescript and @types/node. Its
 * `// @ts-expect-error misspelt: <name>` lines must be errors: tsc passes with them, and
 * fails on exactly those lines, naming each misspelt option, once they are removed.
 */
const PROJECTS = {
  'nodenext, ES module': {
    type: 'module',
    // The one project that also checks every .d.ts it loads (ours and those they import).
    compilerOptions: { module: 'nodenext', skipLibCheck: false, skipDefaultLibCheck: true },
  },
  'nodenext, CommonJS': { type: 'commonjs', compilerOptions: { module: 'nodenext', skipLibCheck: true } },
  'moduleResolution bundler': { type: 'module', compilerOptions: { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true } },
} as const;

let app: ConsumerApp;
let root: string;
let source: string;
beforeAll(async () => {
  app = await consumerApp();
  root = join(app.dir, `ts-projects-${process.pid}`);
  source = await readFile(join(FIXTURES, 'typed-consumer.mts'), 'utf8');
}, 600_000);
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function project(name: string, type: string, compilerOptions: Record<string, unknown>, code: string): Promise<string> {
  const dir = join(root, name.replace(/[^a-z]+/gi, '-'));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'typed-consumer', private: true, type }));
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', types: ['node'], ...compilerOptions }, files: ['index.ts'] }),
  );
  await writeFile(join(dir, 'index.ts'), code);
  return dir;
}

function tsc(dir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return run(process.execPath, [join(app.dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir, '--pretty', 'false'], { cwd: dir, timeoutMs: 240_000 });
}

/** The expected errors: for each directive, the line after it (1-based, once the directives are removed) and the name it gives. */
function expectations(code: string): { line: number; name: string }[] {
  const out: { line: number; name: string }[] = [];
  let removed = 0;
  code.split('\n').forEach((text, index) => {
    const match = /^\s*\/\/ @ts-expect-error (?:misspelt: (\w+)|not an option value: '(\w+)')/.exec(text);
    if (!match) return;
    removed++;
    out.push({ line: index + 1 - removed + 1, name: match[1] ?? match[2]! });
  });
  return out;
}

describe('TypeScript consumers type-check against the published .d.ts', () => {
  for (const [name, { type, compilerOptions }] of Object.entries(PROJECTS)) {
    describe(name, () => {
      // An unused @ts-expect-error is itself an error: a pass means each misspelt option was one.
      it('type-checks, and every misspelt option is a type error (@ts-expect-error holds)', async () => {
        const dir = await project(name, type, compilerOptions, source);
        const result = await tsc(dir);
        expect(result.stdout + result.stderr).toBe('');
        expect(result.code).toBe(0);
      }, 300_000);
    });
  }

  // The directives are not vacuous: the same source without them fails, where they were.
  describe('nodenext, ES module', () => {
    it('without the @ts-expect-error lines, tsc fails on exactly those lines, naming each misspelt option', async () => {
      const wanted = expectations(source);
      expect(wanted.length).toBe(5);
      const stripped = source
        .split('\n')
        .filter((line) => !line.includes('// @ts-expect-error'))
        .join('\n');
      const dir = await project('negative', 'module', { module: 'nodenext', skipLibCheck: true }, stripped);
      const result = await tsc(dir);
      expect(result.code).not.toBe(0);
      const errors = result.stdout
        .split('\n')
        .map((line) => /^index\.ts\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ line: Number(m[1]), message: m[3]! }));
      expect(errors.map((e) => e.line)).toEqual(wanted.map((w) => w.line));
      for (const [i, { name: option }] of wanted.entries()) expect(errors[i]!.message).toMatch(new RegExp(`['"]${option}['"]`));
    }, 300_000);
});
});
