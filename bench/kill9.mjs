#!/usr/bin/env node
// What a kill -9 loses with a durable spool (issue 22, point 3).
//
// An app (pino or winston, logger in a worker) logs at a steady rate with the
// API down, then kills itself with SIGKILL right after its last log call. Every
// record the worker had taken in is in the spool (written in the turn it was
// taken in); what is missing had not reached the worker: it was still in
// thread-stream's buffer on the app's thread. Prints, per logger and rate, the
// records lost over --runs runs.
//
//   node bench/kill9.mjs [--runs 5] [--ms 5000 (steady logging before the kill)] [--json]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@logferry/emulator';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, ms: { type: 'string', default: '5000' }, json: { type: 'boolean', default: false } } });
const ms = Number(values.ms);
const runs = Number(values.runs);
const CASES = [
  { rate: 1_000, burst: 0 },
  { rate: 10_000, burst: 0 },
  { rate: 50_000, burst: 0 },
  { rate: 1_000, burst: 10_000 },
];
const emu = await startEmulator();
emu.faults.down();

async function once(logger, { rate, burst }) {
  const dir = mkdtempSync(join(tmpdir(), 'logferry-kill9-'));
  const path = join(dir, 'app.spool');
  const app = spawn(process.execPath, [fileURLToPath(new URL('./kill9-app.mjs', import.meta.url)), JSON.stringify({ logger, url: emu.url, path, rate, ms, burst })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  app.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  const exit = await new Promise((resolve) => app.on('close', (code, signal) => resolve({ code, signal })));
  const logged = Number(/logged (\d+)/.exec(out)?.[1] ?? NaN);
  const seen = new Set();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.seg')) continue;
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const m = /\\"n\\":(\d+)/.exec(line);
      if (m) seen.add(Number(m[1]));
    }
  }
  rmSync(dir, { recursive: true, force: true });
  // The lost ones are the newest: every record before the first missing one is there.
  let firstMissing = logged;
  for (let n = 0; n < logged; n++) if (!seen.has(n)) { firstMissing = n; break; }
  return { exit: exit.signal, logged, inSpool: seen.size, lost: logged - seen.size, lostAreNewest: seen.size === firstMissing };
}

const results = [];
for (const logger of ['pino', 'winston']) {
  for (const c of CASES) {
    const lost = [];
    let newest = true;
    for (let i = 0; i < runs; i++) {
      const r = await once(logger, c);
      if (r.exit !== 'SIGKILL' || Number.isNaN(r.logged)) throw new Error(`run did not end in SIGKILL: ${JSON.stringify(r)}`);
      lost.push(r.lost);
      newest &&= r.lostAreNewest;
    }
    lost.sort((a, b) => a - b);
    results.push({ logger, rate: c.rate, burst: c.burst, lost, median: lost[Math.floor(lost.length / 2)], max: lost[lost.length - 1], lostAreNewest: newest });
  }
}
await emu.close();
if (values.json) console.log(JSON.stringify(results));
else {
  console.log('| logger | rate (records/s) | then a burst of | lost per kill (median / max of runs) | lost are the newest |');
  console.log('|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.logger} | ${r.rate.toLocaleString('en')} | ${r.burst.toLocaleString('en')} | ${r.median} / ${r.max} (${r.lost.join(', ')}) | ${r.lostAreNewest ? 'yes' : 'no'} |`);
}
