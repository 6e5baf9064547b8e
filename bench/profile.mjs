// Profiles the logferry pino worker: runs one logferry-pino-* case with
// --cpu-prof in pino's worker thread (worker.execArgv), against the emulator in a
// separate process, then prints the top self-time functions of the profile.
//   node bench/profile.mjs [--n 100000] [--case logferry-pino-datamix] [--dir /tmp/prof] [--top 10]
import { fork, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const opts = { n: 100_000, case: 'logferry-pino-datamix', dir: '/tmp/prof', top: 10 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  if (!(key in opts)) throw new Error(`unknown argument ${argv[i]}`);
  opts[key] = typeof opts[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
}
mkdirSync(opts.dir, { recursive: true });
const before = new Set(readdirSync(opts.dir));

const receiver = fork(join(here, 'receivers/main.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const urls = await new Promise((resolve) => receiver.on('message', (m) => m.type === 'ready' && resolve(m.urls)));
const child = spawn(process.execPath, [join(here, 'lib/child.mjs'), opts.case, String(opts.n)], {
  cwd: here,
  env: { ...process.env, BENCH_URLS: JSON.stringify(urls), BENCH_WORKER_EXECARGV: JSON.stringify(['--cpu-prof', `--cpu-prof-dir=${opts.dir}`]) },
  stdio: ['ignore', 'ignore', 'inherit'],
});
await new Promise((resolve) => child.on('close', resolve));
receiver.send({ type: 'close' });

const fresh = readdirSync(opts.dir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
if (fresh.length === 0) {
  console.error(`no new .cpuprofile in ${opts.dir} (does ${opts.case} pass BENCH_WORKER_EXECARGV to pino.transport?)`);
  process.exit(1);
}
// The worker's profile is the one with logferry's core in it.
const file = fresh
  .map((f) => join(opts.dir, f))
  .sort((a, b) => statSync(b).size - statSync(a).size)
  .find((f) => readFileSync(f, 'utf8').includes('@logferry/core') || readFileSync(f, 'utf8').includes('packages/core/dist'));
const profile = JSON.parse(readFileSync(file ?? join(opts.dir, fresh[0]), 'utf8'));

const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const self = new Map();
let total = 0;
for (const node of profile.nodes) {
  const us = dt.get(node.id) ?? 0;
  total += us;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${relative(join(here, '..'), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + us);
}
const idle = self.get('(idle)') ?? 0;
self.delete('(idle)');
const busy = total - idle;
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, opts.top);
console.log(`${file ?? fresh[0]}: ${(busy / 1000).toFixed(0)} ms busy (+${(idle / 1000).toFixed(0)} ms idle) in the worker (N=${opts.n}, ${opts.case})`);
console.log('| self ms | self % | function |');
console.log('|---|---|---|');
for (const [key, us] of rows) console.log(`| ${(us / 1000).toFixed(1)} | ${((us / busy) * 100).toFixed(1)} | ${key.replace(/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')} |`);
