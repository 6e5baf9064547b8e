import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@logferry/emulator';

const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

function run(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DATAMIX_API_KEY: 'test-key' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

let emu: Emulator;
let dir: string;
beforeEach(async () => {
  emu = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'logferry-cli-'));
  // The key comes from DATAMIX_API_KEY: the config file holds no secret.
  writeFileSync(join(dir, 'logferry.json'), JSON.stringify({ sink: { type: 'datamix', url: emu.url } }));
});
afterEach(async () => {
  await emu.close();
});

it('`node app | logferry --config` ships pino lines and passes them through', async () => {
  const now = Date.now();
  const lines = Array.from({ length: 300 }, (_, n) => JSON.stringify({ level: 30 + (n % 3) * 10, time: now, msg: 'piped', n })).join('\n');
  const result = await run(['--config', join(dir, 'logferry.json')], `${lines}\n`);
  expect(result.code).toBe(0);
  expect(result.stdout.trim().split('\n')).toHaveLength(300);
  expect(emu.datamix.records).toHaveLength(300);
  expect(new Set(emu.datamix.records.map((r) => r.level))).toEqual(new Set(['info', 'warn', 'error']));
});

it('`logferry replay` sends a spool file once, re-stamping stale records, and removes it', async () => {
  const spool = join(dir, 'app.spool');
  const old = Date.now() - 30 * 60_000;
  const entries = Array.from({ length: 50 }, (_, n) => JSON.stringify({ time: old + n, level: 'warn', text: `spooled ${n}` }));
  writeFileSync(spool, `${entries.join('\n')}\n{"time":1,"lev`); // a torn last line
  const result = await run(['replay', '--config', join(dir, 'logferry.json'), '--spool', spool]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ delivered: 50, rejected: 0, skippedLines: 1, incomplete: false });
  expect(emu.datamix.records).toHaveLength(50);
  expect(emu.datamix.records[0]?.message).toMatch(/^\[original time .*\] spooled 0$/);
  expect(existsSync(spool)).toBe(false);
  expect(emu.violations).toEqual([]);
});

it('a missing --config is a clear error, exit code 2', async () => {
  const result = await run(['replay', '--spool', join(dir, 'none')]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/LOGFERRY_BAD_OPTION: --config/);
});
