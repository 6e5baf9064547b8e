// Start-up: the CPU a logferry worker costs until its first session is open.
//   node bench/startup.mjs [--rounds 10] [--logger pino|winston] [--node /path/to/node ...] [--json out.json]
// Each round is a fresh process (the Node given, or this one) that creates the
// transport (pino: logs nothing; winston: logs one record, which is what
// starts the worker of a transport older than issue 23); this process runs the emulator and, as soon as it
// has answered the first POST /sessions, asks the child for its figures:
// off-main CPU (the worker thread plus V8's and libuv's helper threads, which is
// where a worker's start-up goes), the main thread's, the time to the session
// and RSS. Rounds alternate between the Node binaries given.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@logferry/emulator';

const here = dirname(fileURLToPath(import.meta.url));
const args = { rounds: 10, logger: 'pino', node: [], json: undefined };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const key = argv[i].replace(/^--/, '');
  const value = argv[++i];
  if (key === 'node') args.node.push(value);
  else if (key === 'rounds') args.rounds = Number(value);
  else if (key === 'logger' || key === 'json') args[key] = value;
  else throw new Error(`unknown argument ${argv[i - 1]}`);
}
if (args.node.length === 0) args.node.push(process.execPath);

const emu = await startEmulator({ maxRecords: 10 });

async function round(node) {
  const sessionsBefore = emu.datamix.sessionCreations;
  const child = fork(join(here, 'lib/startupChild.mjs'), [args.logger, emu.url], { execPath: node, cwd: here, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages = [];
  const waiting = [];
  child.on('message', (m) => (waiting.length ? waiting.shift()(m) : messages.push(m)));
  const nextMessage = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiting.push(resolve)));
  await nextMessage(); // started
  await emu.waitFor(() => emu.datamix.sessionCreations > sessionsBefore, 30_000);
  child.send('measure');
  const result = await nextMessage();
  child.kill();
  return { node, ...result };
}

const results = [];
for (let r = 0; r < args.rounds; r++) {
  for (const node of r % 2 ? [...args.node].reverse() : args.node) {
    const result = await round(node);
    results.push(result);
    process.stderr.write(`[${r + 1}/${args.rounds}] ${result.version}: off-main ${result.offMainCpuMs.toFixed(0)} ms, main ${result.mainCpuMs.toFixed(0)} ms, session after ${result.sessionAfterMs} ms, RSS ${result.rssMb.toFixed(0)} MB\n`);
  }
}
await emu.close();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
console.log(`${args.logger} worker start-up until the first session is open; ${args.rounds} rounds, median (min–max)\n`);
console.log('| Node | off-main CPU ms | main-thread CPU ms | to the session ms | RSS MB |');
console.log('|---|---|---|---|---|');
for (const version of [...new Set(results.map((r) => r.version))]) {
  const rows = results.filter((r) => r.version === version);
  const cell = (k, d = 0) => `${median(rows.map((r) => r[k])).toFixed(d)} (${Math.min(...rows.map((r) => r[k])).toFixed(d)}–${Math.max(...rows.map((r) => r[k])).toFixed(d)})`;
  console.log(`| ${version} | ${cell('offMainCpuMs')} | ${cell('mainCpuMs')} | ${cell('sessionAfterMs')} | ${cell('rssMb', 1)} |`);
}
if (args.json) writeFileSync(args.json, JSON.stringify(results, null, 2));
