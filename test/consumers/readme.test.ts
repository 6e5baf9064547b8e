import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '@logferry/emulator';
import { consumerApp, ROOT, run, type ConsumerApp } from './support/consumerApp.js';
import { firstCodeBlock } from './support/readme.js';

/*
 * Each package README opens with an example; here it runs as a file of the consumer app,
 * as written, with the keys in the environment (DATAMIX_API_KEY, IS_CLIENT_KEY) and one
 * change: the sink is pointed at the emulator (started from its tarball), since the real
 * APIs are not reachable from a test. Then what it logged must have arrived.
 */
const READMES: { pkg: string; arrives: RegExp | undefined }[] = [
  { pkg: 'core', arrives: /^hello from core \{"orderId":42\}$/ },
  { pkg: 'pino', arrives: /^order placed \{.*"orderId":42/ },
  { pkg: 'winston', arrives: /^INFO order placed \{.*"orderId":42/ },
  { pkg: 'cli', arrives: /^hello from stdin \{/ },
  // Its example starts its own emulator and asserts what arrived there.
  { pkg: 'emulator', arrives: undefined },
];

let app: ConsumerApp;
let emu: Emulator;
let work: string;
beforeAll(async () => {
  app = await consumerApp();
  const { startEmulator } = (await import(join(app.dir, 'node_modules', '@logferry', 'emulator', 'dist', 'index.js'))) as typeof import('@logferry/emulator');
  emu = await startEmulator();
  work = join(app.dir, `readme-${process.pid}`);
  await mkdir(work, { recursive: true });
}, 600_000);
afterAll(async () => {
  await emu?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The one change: the sink's base URLs are the emulator's. */
function toEmulator(code: string): string {
  return code
    .replace(/type: 'datamix'/g, `type: 'datamix', url: '${emu.url}'`)
    .replace(/type: 'initialstate'/g, `type: 'initialstate', apiUrl: '${emu.url}', eventsUrl: '${emu.url}'`)
    .replace(/"type": "datamix"/g, `"type": "datamix", "url": "${emu.url}"`)
    .replace(/logferry datamix /g, `logferry datamix --url ${emu.url} `);
}

function arrived(): string[] {
  return [...emu.datamix.records.map((r) => r.message), ...emu.initialState.events.map((e) => String(e.v))];
}

describe("each package README's opening example runs", () => {
  for (const { pkg, arrives } of READMES) {
    it(`packages/${pkg}/README.md`, async () => {
      const { language, code } = firstCodeBlock(await readFile(join(ROOT, 'packages', pkg, 'README.md'), 'utf8'));
      const dir = join(work, pkg);
      await mkdir(dir, { recursive: true });
      const env = { DATAMIX_API_KEY: 'test-key', IS_CLIENT_KEY: 'test-client-key' };
      const before = new Set(arrived());
      let result;
      if (language === 'sh') {
        result = await run('sh', ['-e', '-c', toEmulator(code)], { cwd: dir, env });
      } else {
        expect(language).toBe('js');
        const file = join(dir, /\brequire\(/.test(code) ? 'example.cjs' : 'example.mjs');
        await writeFile(file, arrives ? toEmulator(code) : code);
        result = await run(process.execPath, [file], { cwd: dir, env });
      }
      // The command's summary line (stderr, so a pipe's stdout stays the app's) is all it may print there.
      expect(result.stderr.replace(/^logferry: \d+ delivered, 0 rejected, 0 spooled, 0 dropped\n/m, '')).toBe('');
      expect(result.code).toBe(0);
      if (arrives) {
        await emu.waitFor(() => arrived().some((m) => !before.has(m) && arrives.test(m)));
        expect(emu.violations).toEqual([]);
      }
    });
  }
});
