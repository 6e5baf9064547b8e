// logferry benchmark orchestrator. See bench/README.md.
//   node bench/run.mjs [--n 100000] [--rounds 3] [--cases a,b,c] [--quick] [--json out.json]
// One receiver process (every protocol, on loopback) for the whole run; each
// case runs in a fresh child process; case order rotates every round.
import { fork, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_MARK } from './lib/mark.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const CASES = [
  { name: 'pino-devnull', logger: 'pino', group: 'floor' },
  { name: 'pino-worker-devnull', logger: 'pino', group: 'floor', worker: true },
  { name: 'winston-file-devnull', logger: 'winston', group: 'floor' },
  // winston's own share of logger.info() (a transport that does nothing), against the File floor.
  { name: 'winston-null', logger: 'winston', group: 'reference', optIn: true },
  { name: 'logferry-pino-datamix', logger: 'pino', group: 'logferry', receiver: 'datamix', worker: true },
  { name: 'logferry-pino-initialstate', logger: 'pino', group: 'logferry', receiver: 'initialstate', worker: true },
  { name: 'logferry-winston-datamix', logger: 'winston', group: 'logferry', receiver: 'datamix', worker: true },
  { name: 'logferry-winston-initialstate', logger: 'winston', group: 'logferry', receiver: 'initialstate', worker: true },
  { name: 'logferry-pino-sessions1-2k', logger: 'pino', group: 'sessions', receiver: 'datamix-capped', worker: true, optIn: true },
  { name: 'logferry-pino-sessions4-2k', logger: 'pino', group: 'sessions', receiver: 'datamix-capped', worker: true, optIn: true },
  { name: 'logferry-pino-sessions-grow-2k', logger: 'pino', group: 'sessions', receiver: 'datamix-capped', worker: true, optIn: true },
  { name: 'axiom-pino', logger: 'pino', group: 'peer', receiver: 'axiom', worker: true },
  { name: 'pino-loki', logger: 'pino', group: 'peer', receiver: 'loki', worker: true },
  { name: 'pino-loki-unbounded', logger: 'pino', group: 'peer', receiver: 'loki', worker: true },
  { name: 'pino-elasticsearch', logger: 'pino', group: 'peer', receiver: 'elasticsearch', worker: true },
  { name: 'axiom-winston', logger: 'winston', group: 'peer', receiver: 'axiom' },
  { name: 'winston-loki', logger: 'winston', group: 'peer', receiver: 'loki' },
];
const WORKER_FLOOR = 'pino-worker-devnull';

/**
 * The floor a case's ratios are taken against: pino transports (worker
 * threads) against pino's own worker floor, so the ratio is the transport's
 * cost; winston cases against winston's File floor; pino's worker floor
 * against pino → /dev/null.
 */
function floorOf(spec) {
  if (spec.name === WORKER_FLOOR) return 'pino-devnull';
  if (spec.group === 'sessions') return spec.name === 'logferry-pino-sessions1-2k' ? undefined : 'logferry-pino-sessions1-2k';
  if (spec.group === 'floor') return undefined;
  return spec.logger === 'pino' ? WORKER_FLOOR : 'winston-file-devnull';
}
const QUIET_MS = 1500; // after the child exits, how long without a new record before we stop waiting

function parseArgs(argv) {
  const args = { n: 100_000, rounds: 3, cases: undefined, json: undefined, ready: false, readyMs: 2000, warm: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--n') args.n = Number(value().replace(/[_,]/g, ''));
    else if (a === '--rounds') args.rounds = Number(value());
    else if (a === '--cases') args.cases = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--quick') Object.assign(args, { n: 10_000, rounds: 1 });
    else if (a === '--json') args.json = value();
    else if (a === '--ready') args.ready = true;
    else if (a === '--ready-ms') Object.assign(args, { ready: true, readyMs: Number(value()) });
    else if (a === '--warm') Object.assign(args, { ready: true, warm: Number(value().replace(/[_,]/g, '')) });
    else if (a === '--help' || a === '-h') {
      console.log('node bench/run.mjs [--n 100000] [--rounds 3] [--cases a,b] [--quick] [--ready] [--ready-ms 2000] [--warm 100000] [--json out.json]');
      console.log(`cases: ${CASES.map((c) => c.name).join(', ')}`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(args.n) || args.n < 1) throw new Error('--n must be a positive integer');
  if (!Number.isInteger(args.rounds) || args.rounds < 1) throw new Error('--rounds must be a positive integer');
  if (!Number.isInteger(args.warm) || args.warm < 0) throw new Error('--warm must be a non-negative integer');
  for (const name of args.cases ?? []) if (!CASES.some((c) => c.name === name)) throw new Error(`unknown case ${name}`);
  return args;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startReceiverProcess() {
  const proc = fork(join(here, 'receivers/main.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = [];
  let onReady;
  const ready = new Promise((resolve, reject) => {
    onReady = resolve;
    proc.once('exit', (code) => reject(new Error(`receiver process exited (${code})`)));
  });
  proc.on('message', (msg) => {
    if (msg.type === 'ready') onReady(msg.urls);
    else waiting.shift()?.(msg);
  });
  const ask = (msg) =>
    new Promise((resolve) => {
      waiting.push(resolve);
      proc.send(msg);
    });
  const urls = await ready;
  return {
    urls,
    reset: () => ask({ type: 'reset' }),
    status: async (receiver) => (await ask({ type: 'status', receiver })).status,
    /** The receiver's status once `done(status)` holds, or at `deadline`, asked every 50 ms. */
    async statusWhen(receiver, done, deadline) {
      let status = await this.status(receiver);
      while (!done(status) && Date.now() < deadline) {
        await sleep(50);
        status = await this.status(receiver);
      }
      return status;
    },
    close: () => {
      proc.send({ type: 'close' });
      return new Promise((resolve) => proc.once('exit', resolve));
    },
  };
}

/**
 * Runs one case's child. With `--warm`, the child logs that many other records
 * first and asks (IPC) before its figures start: `onWarmed` makes sure they
 * arrived and resets the receiver, so what follows counts only the n.
 */
function runChild(name, n, urls, timeoutMs, readyMs, onWarmed) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(here, 'lib/child.mjs'), name, String(n)], {
      cwd: here,
      env: { ...process.env, BENCH_URLS: JSON.stringify(urls), BENCH_READY_MS: String(readyMs), BENCH_WARM_N: String(args.warm) },
      stdio: ['ignore', 'pipe', 'pipe', ...(args.warm > 0 ? ['ipc'] : [])],
    });
    let warmDelivered;
    child.on('message', async (msg) => {
      if (msg.type !== 'warmed') return;
      warmDelivered = await onWarmed();
      child.send({ type: 'go' });
    });
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (out.length > 1_000_000) out = out.slice(-100_000);
    });
    child.stderr.on('data', (d) => {
      err += d;
      if (err.length > 100_000) err = err.slice(-20_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      const result = line ? JSON.parse(line.slice(RESULT_MARK.length)) : { error: 'no result line' };
      if (timedOut) result.error = `timed out after ${timeoutMs} ms`;
      resolve({ ...result, warmDelivered, exitCode: code, signal, exitedAt: Date.now(), stderr: err.trim().split('\n').slice(-30).join('\n') });
    });
  });
}

async function runCase(spec, n, receiver, timeoutMs) {
  if (spec.receiver) await receiver.reset();
  // --warm: every warm-up record must have arrived before the figures start (then the receiver starts again from zero).
  const onWarmed = async () => {
    if (!spec.receiver) return undefined;
    const status = await receiver.statusWhen(spec.receiver, (s) => s.records >= args.warm, Date.now() + timeoutMs);
    await receiver.reset();
    return status.records;
  };
  const child = await runChild(spec.name, n, receiver.urls, timeoutMs, args.ready ? args.readyMs : 0, onWarmed);
  const row = { case: spec.name, ...child };
  if (child.unavailable || !child.startAt) return row;
  if (!spec.receiver) {
    row.delivered = child.closed ? n : 0;
    row.wallMs = child.closedAt ? child.closedAt - child.startAt : undefined;
    return row;
  }
  // The child has exited: wait until the receiver has everything, or has no request in
  // progress and nothing new arrived for QUIET_MS.
  const status = await receiver.statusWhen(
    spec.receiver,
    (s) => s.records >= n || (s.inFlight === 0 && Date.now() - Math.max(s.lastAt, child.exitedAt) >= QUIET_MS),
    Date.now() + timeoutMs,
  );
  row.delivered = status.records;
  row.requests = status.requests;
  row.receiverErrors = status.errors;
  row.receiverLastError = status.lastError;
  row.receiverCpuMs = status.cpuMs;
  row.wallMs = status.records > 0 ? status.lastAt - child.startAt : undefined;
  return row;
}

// ---- figures ----

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function summarize(rows, pick) {
  const xs = rows.map(pick).filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (xs.length === 0) return undefined;
  return { med: median(xs), min: Math.min(...xs), max: Math.max(...xs), count: xs.length };
}

const metrics = {
  main: (r) => r.mainCpuMs,
  perLog: (r) => (typeof r.loopMainCpuMs === 'number' ? (r.loopMainCpuMs * 1000) / r.n : undefined),
  offMain: (r) => r.offMainCpuMs,
  wall: (r) => r.wallMs,
  rate: (r) => (r.wallMs > 0 ? (r.delivered / r.wallMs) * 1000 : undefined),
  delivered: (r) => r.delivered,
  rss: (r) => (r.maxRssKb ? r.maxRssKb / 1024 : undefined),
  receiverCpu: (r) => r.receiverCpuMs,
  requests: (r) => r.requests,
};

function fmtNum(x, integer = false) {
  if (x === undefined) return '—';
  if (integer) return Math.round(x).toLocaleString('en-US');
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function cell(s, floor, { ratio = true, range = true, integer = false } = {}) {
  if (!s) return '—';
  let text = fmtNum(s.med, integer);
  if (range && s.count > 1 && s.min !== s.max) text += ` (${fmtNum(s.min, integer)}–${fmtNum(s.max, integer)})`;
  if (ratio && floor && floor.med >= 1) text += ` ×${(s.med / floor.med).toFixed(s.med / floor.med >= 10 ? 0 : 1)}`;
  return text;
}

function table(selected, results, n, rounds) {
  // A round counts when the child measured itself, even if its transport crashed or failed to close:
  // that is a result (flagged below), and so is what it delivered.
  const ok = (name) => results.filter((r) => r.case === name && !r.unavailable && typeof r.mainCpuMs === 'number' && r.startAt);
  const stats = (name, key) => summarize(ok(name), metrics[key]);
  const lines = [];
  const notes = [];
  lines.push(`N = ${n.toLocaleString('en-US')} records per case, ${rounds} round(s); median (min–max); ×F = ratio to the case's floor`);
  lines.push(
    args.warm > 0
      ? `Mode: warm (each transport created, then ${args.warm.toLocaleString('en-US')} other records logged and delivered, then ${args.readyMs} ms idle; figures from then, except peak RSS, which is the process's whole life)`
      : args.ready
        ? `Mode: ready first (each transport created, then ${args.readyMs} ms idle before the first record; figures from then)`
        : 'Mode: cold (figures from just before the transport is created)',
  );
  lines.push('(pino transports vs pino-worker-devnull, winston cases vs winston-file-devnull, pino-worker-devnull vs pino-devnull)');
  lines.push('');
  lines.push('| case | loop µs/log | main-thread CPU ms | off-main CPU ms | receiver CPU ms | wall ms | delivered/s | delivered | peak RSS MB | requests |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const spec of selected) {
    const all = results.filter((r) => r.case === spec.name);
    const good = ok(spec.name);
    const unavailable = all.find((r) => r.unavailable);
    if (unavailable) {
      lines.push(`| ${spec.name} | n/a (${unavailable.unavailable.replace(/\|/g, '/').slice(0, 120)}) | | | | | | | | |`);
      continue;
    }
    if (good.length === 0) {
      const failed = all.find((r) => r.error) ?? {};
      const why = String(failed.error ?? 'no result').split('\n')[0].replace(/\|/g, '/').slice(0, 120);
      lines.push(`| ${spec.name} | failed (${why}) | | | | | | | | |`);
      continue;
    }
    const floor = floorOf(spec);
    const f = (key) => (floor ? stats(floor, key) : undefined);
    const delivered = stats(spec.name, 'delivered');
    let deliveredText = cell(delivered, undefined, { ratio: false, integer: true });
    if (delivered && delivered.med !== n) deliveredText += ` = ${((delivered.med / n) * 100).toFixed(1)}%`;
    const flags = [];
    const crashed = good.filter((r) => r.error);
    if (crashed.length) {
      const why = String(crashed[0].stderr ?? '').split('\n').find((l) => /^\w*Error\b/.test(l)) ?? crashed[0].error;
      flags.push(`${crashed.length} of ${good.length} round(s) did not close cleanly (exit code ${crashed[0].exitCode}): ${why.trim().replace(/\|/g, '/')}`);
    }
    if (good.some((r) => r.keptAlive)) flags.push('kept alive after close');
    const shortWarm = good.find((r) => r.warmDelivered !== undefined && r.warmDelivered < args.warm);
    if (shortWarm) flags.push(`only ${shortWarm.warmDelivered} of the ${args.warm} warm-up records arrived in one round`);
    const reported = good.find((r) => r.transportErrors)?.transportErrors;
    if (reported) flags.push(`'error' events (${reported.count} in one round), first: ${reported.first.replace(/\|/g, '/')}`);
    const closeError = good.find((r) => r.closeError)?.closeError;
    if (closeError) flags.push(`${good.filter((r) => r.closeError).length} of ${good.length} close(s) failed: ${closeError.replace(/\|/g, '/')}`);
    if (good.some((r) => r.receiverErrors > 0)) flags.push(`receiver errors: ${good.find((r) => r.receiverErrors > 0).receiverLastError ?? 'HTTP ≥ 400'}`);
    if (good.length < all.length) flags.push(`${all.length - good.length} round(s) gave no figures`);
    let name = spec.name;
    if (flags.length) {
      notes.push(`${spec.name}: ${flags.join('; ')}`);
      name += ` [${notes.length}]`;
    }
    lines.push(
      `| ${name} | ${cell(stats(spec.name, 'perLog'), f('perLog'))} | ${cell(stats(spec.name, 'main'), f('main'))} | ${cell(stats(spec.name, 'offMain'), f('offMain'))} | ` +
        `${spec.receiver ? cell(stats(spec.name, 'receiverCpu'), undefined, { ratio: false }) : '—'} | ` +
        `${cell(stats(spec.name, 'wall'), f('wall'))} | ${cell(stats(spec.name, 'rate'), f('rate'))} | ${deliveredText} | ` +
        `${cell(stats(spec.name, 'rss'), f('rss'))} | ${spec.receiver ? cell(stats(spec.name, 'requests'), undefined, { ratio: false, integer: true }) : '—'} |`,
    );
  }
  if (notes.length) {
    lines.push('');
    notes.forEach((note, i) => lines.push(`[${i + 1}] ${note}`));
  }
  return lines.join('\n');
}

function machine(method) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const gb = (totalmem() / 1024 ** 3).toFixed(0);
  const how = {
    threadCpuUsage: 'process.threadCpuUsage()',
    schedstat: '/proc/<pid>/task/<pid>/schedstat (the main thread’s on-CPU ns)',
    elu: 'performance.eventLoopUtilization() active time (wall time, not CPU)',
  }[method] ?? method;
  return (
    `Machine: ${availableParallelism()} × ${cpu}, ${gb} GB RAM, Node ${process.version}, ${process.platform}/${process.arch}. ` +
    `Load average before the run ${startLoad.toFixed(2)}, after ${loadavg()[0].toFixed(2)}. Main-thread CPU from ${how}.`
  );
}

// ---- main ----

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${error.message} (see --help)`);
  process.exit(2);
}
for (const pkg of ['core', 'emulator', 'pino', 'winston']) {
  if (!existsSync(join(here, `../packages/${pkg}/dist/index.js`))) {
    console.error(`packages/${pkg} is not built: run \`pnpm build\` (or \`pnpm bench\`, which builds first).`);
    process.exit(1);
  }
}
// The parallel-sessions cases (2 KB records, a capped emulator) run when named: they answer another question.
const selected = args.cases ? CASES.filter((c) => args.cases.includes(c.name)) : CASES.filter((c) => !c.optIn);
const timeoutMs = 60_000 + Math.round(args.n * 0.3);
const startLoad = loadavg()[0];
if (startLoad > 0.5) process.stderr.write(`warning: load average is ${startLoad.toFixed(2)}: other work on this machine will skew the figures\n`);
const receiver = await startReceiverProcess();
const results = [];
const began = Date.now();
for (let round = 0; round < args.rounds; round++) {
  const shift = round % selected.length;
  const order = [...selected.slice(shift), ...selected.slice(0, shift)];
  for (const spec of order) {
    const row = await runCase(spec, args.n, receiver, timeoutMs);
    row.round = round;
    results.push(row);
    const what = row.unavailable
      ? `n/a: ${row.unavailable}`
      : typeof row.mainCpuMs !== 'number'
        ? `FAILED: ${String(row.error).split('\n')[0]}${row.stderr ? ` | ${row.stderr.split('\n').at(-1)}` : ''}`
        : `${row.error ? `ERROR (${String(row.error).split('\n')[0]}) ` : ''}main ${fmtNum(row.mainCpuMs)} ms, off-main ${fmtNum(row.offMainCpuMs)} ms, wall ${fmtNum(row.wallMs)} ms, ` +
          `delivered ${row.delivered}${row.requests !== undefined ? `, ${row.requests} req` : ''}${row.keptAlive ? ', KEPT ALIVE' : ''}` +
          `${row.closeError ? `, close failed: ${row.closeError}` : ''}`;
    process.stderr.write(`[round ${round + 1}/${args.rounds}] ${spec.name}: ${what}\n`);
  }
}
await receiver.close();
const method = results.find((r) => r.method)?.method ?? 'unknown';
console.log(table(selected, results, args.n, args.rounds));
console.log('');
console.log(machine(method));
console.log(`Total run time ${((Date.now() - began) / 1000).toFixed(0)} s.`);
if (args.json) writeFileSync(args.json, JSON.stringify({ n: args.n, rounds: args.rounds, machine: machine(method), results }, null, 2));
