// One benchmark case in a fresh process: node bench/lib/child.mjs <case> <n>
// (receiver URLs in BENCH_URLS). Logs n records, closes the transport the way
// its docs say, and prints one result line (prefixed with RESULT_MARK) on stdout
// when the process exits by itself.
import { writeSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import { recordSource } from './records.mjs';
import { mainThreadCpuMs, mainThreadMethod, processCpuMs } from './cpu.mjs';
import { RESULT_MARK } from './mark.mjs';

const CHUNK = 1000; // records per event-loop turn, like a server handling a burst
const KEPT_ALIVE_MS = 30_000; // after close(), how long something may keep the process alive

const [caseName, nArg] = process.argv.slice(2);
// --ready: the transport is created, then left idle this long (its worker up, its first session or
// bucket requested) before the first record and before the figures start, as a long-running service sees it.
const READY_MS = Number(process.env.BENCH_READY_MS ?? 0);
// --warm: after the transport is created, this many other records (another seed) are logged, and the
// figures start once they have arrived (the orchestrator checks, over IPC): a service that has been
// logging for a while, its code optimised and its heap sized, rather than a worker's first records.
const WARM_N = Number(process.env.BENCH_WARM_N ?? 0);
const WARM_SEED = 0xbeef;
const n = Number(nArg);
const urls = JSON.parse(process.env.BENCH_URLS ?? '{}');
const result = { case: caseName, n, method: mainThreadMethod, closed: false };
let reported = false;

function report(extra = {}) {
  if (reported) return;
  reported = true;
  writeSync(1, `\n${RESULT_MARK}${JSON.stringify({ ...result, ...extra })}\n`);
}

let base;
function finalFigures() {
  if (!base) return {};
  const main = mainThreadCpuMs() - base.main;
  const total = processCpuMs() - base.total;
  return {
    exitAt: Date.now(),
    mainCpuMs: main,
    offMainCpuMs: Math.max(0, total - main),
    totalCpuMs: total,
    maxRssKb: process.resourceUsage().maxRSS,
  };
}

// Early handler: only reports if close() never resolved (its own handler did not get registered).
process.on('exit', (code) => {
  if (!result.closed) report({ ...finalFigures(), exitCode: code, error: result.error ?? 'process exited before close() resolved' });
});

/** Logs `count` records from `next`, CHUNK records per event-loop turn. */
async function logBurst(handle, next, count) {
  for (let i = 0; i < count; i++) {
    handle.log(next());
    if ((i + 1) % CHUNK === 0) await turn();
  }
}

/** Tells the orchestrator the warm-up records were logged, and waits until it has seen them arrive. */
function warmedUp() {
  return new Promise((resolve) => {
    process.once('message', () => {
      process.disconnect();
      resolve();
    });
    process.send({ type: 'warmed' });
  });
}

let mod;
try {
  mod = await import(`../cases/${caseName}.mjs`);
} catch (error) {
  report({ unavailable: error.code === 'ERR_MODULE_NOT_FOUND' ? `not installed: ${error.message.split('\n')[0]}` : String(error.message ?? error) });
  process.exit(0);
}

try {
  const next = (mod.records ?? recordSource)();
  let handle;
  if (READY_MS > 0) {
    handle = await mod.start({ urls, n });
    if (WARM_N > 0) await logBurst(handle, (mod.records ?? recordSource)(WARM_SEED), WARM_N);
    await new Promise((resolve) => setTimeout(resolve, READY_MS));
    if (WARM_N > 0) await warmedUp();
    base = { main: mainThreadCpuMs(), total: processCpuMs() };
    result.startAt = Date.now();
  } else {
    base = { main: mainThreadCpuMs(), total: processCpuMs() };
    result.startAt = Date.now();
    handle = await mod.start({ urls, n });
  }
  const loopMain0 = mainThreadCpuMs();
  await logBurst(handle, next, n);
  result.loggedAt = Date.now();
  result.loopMainCpuMs = mainThreadCpuMs() - loopMain0;
  try {
    await handle.close();
  } catch (error) {
    // A close that fails (e.g. thread-stream's 10 s end() limit) is a result, not a crash of the case.
    result.closeError = String(error?.message ?? error);
  }
  result.closedAt = Date.now();
  if (handle.errors?.count) result.transportErrors = handle.errors;
  result.closed = true;
  // Registered last, so it runs after the transports' own exit handlers.
  process.on('exit', () => report(finalFigures()));
  setTimeout(() => {
    result.keptAlive = true;
    process.exit(0);
  }, KEPT_ALIVE_MS).unref();
} catch (error) {
  result.error = String(error?.stack ?? error);
  report(finalFigures());
  process.exit(1);
}
