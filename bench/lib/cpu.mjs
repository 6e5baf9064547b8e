import { readFileSync } from 'node:fs';

// Main-thread CPU time. process.cpuUsage() is whole-process (every thread:
// pino's worker, GC helpers, the libuv pool), so the main thread is measured on
// its own, by the first of these that works:
//  1. process.threadCpuUsage() (Node >= 23.9): the calling thread's CPU time;
//  2. Linux /proc/<pid>/task/<pid>/schedstat: the main thread's on-CPU time in ns
//     (the main thread's tid is the pid);
//  3. performance.eventLoopUtilization().active: time the main event loop was
//     busy — wall time, not CPU time (it also counts blocking waits).

const schedstatPath = `/proc/${process.pid}/task/${process.pid}/schedstat`;

function readSchedstatMs() {
  return Number(readFileSync(schedstatPath, 'utf8').split(' ')[0]) / 1e6;
}

function pickMethod() {
  if (typeof process.threadCpuUsage === 'function') return 'threadCpuUsage';
  try {
    if (Number.isFinite(readSchedstatMs())) return 'schedstat';
  } catch {
    // not Linux, or /proc is not there
  }
  return 'elu';
}

export const mainThreadMethod = pickMethod();

/** Main thread CPU ms since the thread started (see the method above). */
export function mainThreadCpuMs() {
  if (mainThreadMethod === 'threadCpuUsage') {
    const u = process.threadCpuUsage();
    return (u.user + u.system) / 1000;
  }
  if (mainThreadMethod === 'schedstat') return readSchedstatMs();
  return performance.eventLoopUtilization().active;
}

/** Whole-process CPU ms (all threads). */
export function processCpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
