#!/usr/bin/env node
// pnpm soak: a long outage with a durable spool (issue 22, point 5).
//
// A pino app logs at a steady rate (default 2,000 records/s) to the emulator
// through a durable spool. After --before seconds the emulator goes down for
// --outage seconds (every request's socket destroyed), then comes back; the app
// logs on for --after seconds, flushes and exits. The app's RSS (main thread
// and worker: one process) is sampled every second from /proc. At the end,
// every record must have arrived exactly once, in order per session.
//
//   node bench/soak.mjs [--rate 2000] [--before 10] [--outage 180] [--after 30] [--buffer-mb 8] [--json]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@logferry/emulator';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    before: { type: 'string', default: '10' },
    outage: { type: 'string', default: '180' },
    after: { type: 'string', default: '30' },
    'buffer-mb': { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const before = Number(values.before);
const outage = Number(values.outage);
const after = Number(values.after);
const bufferBytes = Number(values['buffer-mb']) * 1024 * 1024;
const seconds = before + outage + after;

const emu = await startEmulator({ maxRecords: rate * seconds + 10_000 });
const dir = mkdtempSync(join(tmpdir(), 'logferry-soak-'));
const path = join(dir, 'app.spool');
const app = spawn(process.execPath, [fileURLToPath(new URL('./soak-app.mjs', import.meta.url)), JSON.stringify({ url: emu.url, path, rate, seconds, bufferBytes })], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
let err = '';
app.stdout.setEncoding('utf8').on('data', (d) => (out += d));
app.stderr.setEncoding('utf8').on('data', (d) => (err += d));
const exited = new Promise((resolve) => app.on('close', (code, signal) => resolve({ code, signal })));

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
function spoolMb() {
  let bytes = 0;
  try {
    for (const name of readdirSync(dir)) if (name.endsWith('.seg')) bytes += statSync(join(dir, name)).size;
  } catch {
    // between segments
  }
  return bytes / (1024 * 1024);
}

const samples = [];
const t0 = Date.now();
let phase = 'before';
let running = true;
void exited.then(() => (running = false));
while (running) {
  const t = (Date.now() - t0) / 1000;
  if (phase === 'before' && t >= before) {
    emu.faults.down();
    phase = 'outage';
  } else if (phase === 'outage' && t >= before + outage) {
    emu.faults.clear();
    phase = 'after';
  }
  const rss = rssMb(app.pid);
  if (rss !== undefined) samples.push({ t: Math.round(t), phase, rssMb: Math.round(rss * 10) / 10, spoolMb: Math.round(spoolMb() * 10) / 10, received: emu.datamix.received });
  await new Promise((resolve) => setTimeout(resolve, 1000 - ((Date.now() - t0) % 1000)));
}
const exit = await exited;
const logged = Number(/done (\d+)/.exec(out)?.[1] ?? NaN);

// What a segment left behind still holds unacknowledged (it should hold nothing).
const leftRecords = [];
for (const name of readdirSync(dir).filter((f) => f.endsWith('.seg'))) {
  let ack = { prefix: 0, ranges: [] };
  try {
    ack = JSON.parse(readFileSync(join(dir, `${name}.ack`), 'utf8'));
  } catch {
    // no checkpoint: nothing acknowledged
  }
  readFileSync(join(dir, name), 'utf8').split('\n').forEach((line, i) => {
    if (line === '' || i < ack.prefix || ack.ranges.some(([a, b]) => i >= a && i < b)) return;
    if (leftRecords.length < 20) leftRecords.push({ segment: name, line: i, n: Number(/\\"n\\":(\d+)/.exec(line)?.[1]) });
  });
}
// Anything the app left in the spool at exit (unacknowledged) is what the next start drains:
// start it once more, logging nothing, so the count below covers that too (and says so).
const leftAtExit = readdirSync(dir).filter((f) => f.endsWith('.seg')).length;
const receivedAtExit = emu.datamix.received;
if (leftAtExit > 0) {
  const again = spawn(process.execPath, [fileURLToPath(new URL('./soak-app.mjs', import.meta.url)), JSON.stringify({ url: emu.url, path, rate: 0, seconds: 0, bufferBytes })], { stdio: 'ignore' });
  await new Promise((resolve) => again.on('close', resolve));
}

// Exactly once, in order per session.
const seen = new Uint8Array(logged);
let duplicates = 0;
let outOfOrder = 0;
let foreign = 0;
const lastBySession = new Map();
for (const r of emu.datamix.records) {
  const m = /"n":(\d+)/.exec(r.message);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n < logged)) {
    foreign++;
    continue;
  }
  if (seen[n]) duplicates++;
  seen[n] = 1;
  const last = lastBySession.get(r.sessionId) ?? -1;
  if (n <= last) outOfOrder++;
  lastBySession.set(r.sessionId, n);
}
let missing = 0;
const missingFirst = [];
for (let n = 0; n < logged; n++) {
  if (seen[n]) continue;
  missing++;
  if (missingFirst.length < 20) missingFirst.push(n);
}
const leftFiles = readdirSync(dir);

const summary = {
  rate,
  before,
  outage,
  after,
  bufferMb: bufferBytes / (1024 * 1024),
  exit,
  logged,
  receivedAtExit,
  segmentsLeftAtExit: leftAtExit,
  received: emu.datamix.received,
  duplicates,
  missing,
  missingFirst,
  outOfOrder,
  foreign,
  sessions: lastBySession.size,
  violations: emu.violationsTotal,
  leftFiles,
  leftRecords,
  rssMb: {
    beforeOutage: Math.max(...samples.filter((s) => s.phase === 'before').map((s) => s.rssMb)),
    outageMax: Math.max(...samples.filter((s) => s.phase === 'outage').map((s) => s.rssMb)),
    afterMax: Math.max(...samples.filter((s) => s.phase === 'after').map((s) => s.rssMb)),
  },
  spoolMbMax: Math.max(...samples.map((s) => s.spoolMb)),
};
await emu.close();
rmSync(dir, { recursive: true, force: true });

if (values.json) {
  console.log(JSON.stringify({ summary, samples }));
} else {
  console.log('  t (s) | phase  | RSS (MB) | spool (MB) | received');
  console.log('  ------|--------|----------|------------|---------');
  for (const s of samples) {
    if (s.t % 10 !== 0 && !(s.phase !== 'before' && samples.find((x) => x.phase === s.phase) === s)) continue;
    console.log(`  ${String(s.t).padStart(5)} | ${s.phase.padEnd(6)} | ${String(s.rssMb).padStart(8)} | ${String(s.spoolMb).padStart(10)} | ${s.received}`);
  }
  console.log(JSON.stringify(summary, null, 2));
  if (err.trim()) console.log(`app stderr (last 2000 chars):\n${err.slice(-2000)}`);
}
const ok = exit.code === 0 && duplicates === 0 && missing === 0 && outOfOrder === 0 && logged === rate * seconds;
if (!ok) {
  console.error('soak FAILED: not every record arrived exactly once, in order');
  process.exitCode = 1;
}
