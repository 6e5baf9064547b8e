/**
 * The README's "Crash-safe delivery" example, run as written (only the spool
 * path, the emulator's URL and a short exit deadline put in): its record,
 * logged while the API is down, stays in the spool when the app exits, and the
 * next start delivers it, with that run's own record, each exactly once.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { segmentLines } from './durableSupport.js';
import { useResources } from './support.js';

const res = useResources();
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const written: string[] = [];
afterEach(() => {
  for (const file of written.splice(0)) rmSync(file, { force: true });
});

function example(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## Crash-safe delivery'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('no js example in the Crash-safe delivery section');
  return m[1] as string;
}

function run(file: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('README: Crash-safe delivery', () => {
  it('the example keeps its record through an outage and an exit, and the next start delivers it exactly once', async () => {
    const emu = await res.emulator();
    const path = join(res.tmpDir(), 'logferry.spool');
    const code = example()
      .replace("'/var/lib/myapp/logferry.spool'", JSON.stringify(path))
      .replace('apiKey: process.env.DATAMIX_API_KEY }', `apiKey: process.env.DATAMIX_API_KEY, url: ${JSON.stringify(emu.url)} }`)
      .replace('spool: {', 'exitTimeoutMs: 500, spool: {');
    expect(code).toContain(JSON.stringify(emu.url));
    expect(code).toContain(JSON.stringify(path));
    const file = fileURLToPath(new URL(`./fixtures/readme-durable-${process.pid}-${Date.now()}.mjs`, import.meta.url));
    writeFileSync(file, code);
    written.push(file);

    emu.faults.down();
    const first = await run(file, { DATAMIX_API_KEY: 'test-key' });
    expect(first.code, first.stderr).toBe(0);
    expect(emu.datamix.received).toBe(0);
    expect(segmentLines(path)).toBe(1);

    emu.faults.clear();
    const second = await run(file, { DATAMIX_API_KEY: 'test-key' });
    expect(second.code, second.stderr).toBe(0);
    // One record from each run (pino adds the process's pid): the first run's from the spool, then the second's.
    const messages = emu.datamix.records.map((r) => r.message);
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(m).toMatch(/^order placed \{"pid":\d+,"hostname":"[^"]*","orderId":42\}$/);
    expect(new Set(messages).size).toBe(2);
    expect(readdirSync(dirname(path))).toEqual([]);
  }, 120_000);
});
