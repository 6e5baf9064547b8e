import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from './support/bundle.js';
import { consumerApp, resultOf, run, runInApp, type ConsumerApp, type RunResult } from './support/consumerApp.js';

/*
 * One wrong option (sink.url: 'not a url', with a key beside it) through every entry point, from
 * an ES module app, a CommonJS app and an esbuild bundle: the same LOGFERRY_BAD_OPTION, naming the
 * field, never the key. createClient and winston's constructor throw it; pino's worker writes it
 * to stderr as `[logferry] CODE: message` and the app goes on.
 */
const KEY = 'SECRET-KEY-0042';
const MESSAGE = 'invalid logferry options — sink.url: Invalid URL';

interface Thrown {
  name: string;
  code: string;
  message: string;
  isLogferryError?: boolean;
}

let app: ConsumerApp;
let bundle: { dir: string };
beforeAll(async () => {
  app = await consumerApp();
  bundle = await buildBundle(app);
}, 600_000);
afterAll(async () => {
  if (bundle) await rm(bundle.dir, { recursive: true, force: true });
});

function check(result: RunResult, entryPoints: string[]): void {
  expect(result.code).toBe(0);
  expect(result.stdout + result.stderr).not.toContain(KEY);
  const thrown = resultOf<Record<string, Thrown>>(result);
  expect(Object.keys(thrown).sort()).toEqual([...entryPoints].sort());
  for (const entry of entryPoints) {
    expect(thrown[entry]).toMatchObject({ name: 'LogferryError', code: 'LOGFERRY_BAD_OPTION', message: MESSAGE });
    if ('isLogferryError' in thrown[entry]!) expect(thrown[entry]!.isLogferryError).toBe(true);
  }
  // pino's target, in its worker.
  expect(result.stderr.trim().split('\n')).toEqual([`[logferry] LOGFERRY_BAD_OPTION: ${MESSAGE}`]);
}

describe('a wrong option gets the same LOGFERRY_BAD_OPTION everywhere', () => {
  it('from an ES module app: createClient, LogferryTransport, pino target', async () => {
    const result = await runInApp(app, 'bad-option.mjs');
    check(result, ['createClient', 'winston']);
  });

  it('from a CommonJS app: createClient, LogferryTransport, pino target', async () => {
    const result = await runInApp(app, 'bad-option.cjs');
    check(result, ['createClient', 'winston']);
  });

  it('from an esbuild bundle: createClient, pino target', async () => {
    const result = await run(process.execPath, [join(bundle.dir, 'app.js'), 'bad'], { cwd: bundle.dir });
    check(result, ['createClient']);
  });
});
