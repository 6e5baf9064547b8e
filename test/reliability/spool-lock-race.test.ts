/**
 * The drain lock's take-over of a stale lock (its holder was killed) when many
 * start at the same moment (replicas restarted together on one volume): each
 * round, a holder takes the lock and dies without releasing it, then many
 * contenders (worker threads released by one futex wake, or child processes
 * released by one file) find it stale at once. Exactly one takes it over each
 * round; every other is told the winner holds it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { lockHeld } from '../../packages/core/src/node/spoolLock.js';

const LOCK_MODULE = pathToFileURL(fileURLToPath(new URL('../../packages/core/dist/node/spoolLock.js', import.meta.url))).href;
const CONTENDER = fileURLToPath(new URL('./fixtures/lock-contender.mjs', import.meta.url));

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'logferry-lock-race-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A contender child process, spoken to by lines on stdin and stdout. */
interface Contender {
  child: ChildProcess;
  send(line: string): void;
  line(prefix: string): Promise<string>;
  exited: Promise<number | null>;
}

function startContender(dir: string): Contender {
  const child = spawn(process.execPath, [CONTENDER, JSON.stringify({ lockModule: LOCK_MODULE, dir })], { stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  let partial = '';
  const check = (): void => {
    for (const waiter of [...waiters]) {
      const i = lines.findIndex((l) => l.startsWith(waiter.prefix));
      if (i === -1) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(lines.splice(i, 1)[0] as string);
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    check();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    send: (line) => child.stdin?.write(`${line}\n`),
    line: (prefix) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ prefix, resolve });
        check();
        void exited.then(() => setImmediate(() => reject(new Error(`contender exited before "${prefix}"`))));
      }),
    exited,
  };
}

/** A holder takes the lock at `path` and dies without releasing it (a kill -9, as far as the lock can tell). */
async function leaveStaleLock(dir: string, path: string): Promise<void> {
  const holder = startContender(dir);
  await holder.line('ready');
  holder.send(`hold ${path}`);
  await holder.line('held');
  await holder.exited;
  expect(lockHeld(path).held, 'the dead holder\'s lock is stale').toBe(false);
  expect(existsSync(path)).toBe(true);
}

describe('SpoolLock: racing take-over of a stale lock', () => {
  it('12 worker threads released at once, 20 rounds: exactly one takes it over each round', async () => {
    const dir = tmp();
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const workers = Array.from({ length: 12 }, () => new Worker(CONTENDER, { workerData: { lockModule: LOCK_MODULE, gate: gate.buffer } }));
    cleanups.push(() => Promise.all(workers.map((w) => w.terminate())));
    const next = (worker: Worker, key: string): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const onMessage = (message: Record<string, unknown>): void => {
          if (!(key in message)) return;
          worker.off('message', onMessage);
          resolve(message);
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
      });
    const winsPerRound: number[] = [];
    const told: string[] = [];
    for (let round = 1; round <= 20; round++) {
      const path = join(dir, `r${round}.spool.lock`);
      await leaveStaleLock(dir, path);
      const ready = workers.map((w) => next(w, 'ready'));
      const results = workers.map((w) => next(w, 'won'));
      for (const w of workers) w.postMessage({ round, path });
      await Promise.all(ready);
      Atomics.store(gate, 0, round);
      Atomics.notify(gate, 0);
      const answers = await Promise.all(results);
      const wins = answers.filter((a) => a.won === true).length;
      winsPerRound.push(wins);
      // The losers are told who holds it: this process (the workers share its pid).
      for (const a of answers) if (a.heldBy !== process.pid) told.push(`round ${round}: ${JSON.stringify(a)}`);
      if (wins === 1) expect(lockHeld(path)).toEqual({ held: true, pid: process.pid });
      const released = workers.map((w) => next(w, 'released'));
      for (const w of workers) w.postMessage({ release: round });
      await Promise.all(released);
      expect(existsSync(path), 'released by its holder').toBe(false);
    }
    expect(winsPerRound).toEqual(winsPerRound.map(() => 1));
    expect(told, 'answers that name someone other than the holder').toEqual([]);
  });

  it('6 child processes released at once, 10 rounds: exactly one takes it over each round, the others are told its pid', async () => {
    const dir = tmp();
    const contenders = Array.from({ length: 6 }, () => startContender(dir));
    await Promise.all(contenders.map((c) => c.line('ready')));
    const winsPerRound: number[] = [];
    const told: string[] = [];
    for (let round = 1; round <= 10; round++) {
      const path = join(dir, `r${round}.spool.lock`);
      await leaveStaleLock(dir, path);
      for (const c of contenders) c.send(`round ${round} ${path}`);
      await Promise.all(contenders.map((c) => c.line(`waiting ${round}`)));
      const results = contenders.map((c) => c.line(`result ${round} `));
      writeFileSync(join(dir, `go-${round}`), '');
      const answers = (await Promise.all(results)).map((line) => line.split(' '));
      const winners = contenders.filter((_, i) => answers[i]?.[2] === 'won');
      winsPerRound.push(winners.length);
      if (winners.length === 1) {
        const pid = winners[0]?.child.pid;
        for (const a of answers) if (Number(a[3]) !== pid) told.push(`round ${round}: ${a.join(' ')} (holder ${String(pid)})`);
        expect(lockHeld(path)).toEqual({ held: true, pid });
      }
      for (const c of contenders) c.send(`release ${round}`);
      await Promise.all(contenders.map((c) => c.line(`released ${round}`)));
      expect(existsSync(path), 'released by its holder').toBe(false);
    }
    for (const c of contenders) c.send('exit');
    await Promise.all(contenders.map((c) => c.exited));
    expect(winsPerRound).toEqual(winsPerRound.map(() => 1));
    expect(told, 'answers that name someone other than the holder').toEqual([]);
  });
});
