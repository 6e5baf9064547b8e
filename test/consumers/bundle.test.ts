import { createRequire } from 'node:module';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from './support/bundle.js';
import { consumerApp, resultOf, run } from './support/consumerApp.js';

// A pino app that uses @logferry/pino, bundled with esbuild as the README says, runs from its bundle alone.
let bundle: { dir: string; files: string[] };
beforeAll(async () => {
  bundle = await buildBundle(await consumerApp());
}, 600_000);
afterAll(async () => {
  if (bundle) await rm(bundle.dir, { recursive: true, force: true });
});

describe('esbuild bundle of a pino app (__bundlerPathsOverrides)', () => {
  it('is the app, the transport and thread-stream worker as files, and nothing else to install', () => {
    expect(bundle.files.filter((f) => f.endsWith('.js'))).toEqual(['app.js', 'logferry-pino.js', 'thread-stream-worker.js']);
    // No node_modules to fall back on from there.
    expect(() => createRequire(join(bundle.dir, 'app.js')).resolve('pino')).toThrow();
  });

  it('runs from its bundle and ships a record to the emulator', async () => {
    const result = await run(process.execPath, [join(bundle.dir, 'app.js'), 'ship'], { cwd: bundle.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { records, violations } = resultOf<{ records: { level: string; message: string }[]; violations: unknown[] }>(result);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 'info' });
    expect(records[0]!.message).toMatch(/^pino from an esbuild bundle \{.*"app":"bundle"/);
    expect(violations).toEqual([]);
  });
});
