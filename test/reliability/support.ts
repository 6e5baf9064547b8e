/**
 * Helpers for the reliability suite: emulators, temp dirs, child processes
 * (always cleaned up after each test), and sequence-number bookkeeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '@logferry/emulator';
import type { Client, LogferryOptionsInput } from '@logferry/core';

export const API_KEY = 'test-key';

/** Short retry settings: the suite runs on a busy 2-core box with a time budget. */
export const FAST_RETRY = { baseMs: 50, maxMs: 500, requestTimeoutMs: 2000 } as const;

export function datamixOptions(emu: Emulator, extra: Partial<LogferryOptionsInput> = {}): LogferryOptionsInput {
  return {
    sink: { type: 'datamix', apiKey: API_KEY, url: emu.url },
    batch: { maxEvents: 500, intervalMs: 50 },
    retry: { ...FAST_RETRY },
    ...extra,
  };
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() in the test process when the child was reaped. */
  at: number;
}

export interface ChildHandle {
  child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  exited: Promise<ExitInfo>;
  /** Resolves with the first stdout line starting with `prefix`. */
  line(prefix: string, timeoutMs?: number): Promise<string>;
}

export interface Resources {
  emulator(options?: EmulatorOptions): Promise<Emulator>;
  tmpDir(): string;
  client<C extends Client>(client: C): C;
  spawn(fixtureName: string, config: unknown): ChildHandle;
}

/** Everything a test opens is closed after it, even when it failed half-way. */
export function useResources(): Resources {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch {
        // best effort
      }
    }
  });
  return {
    async emulator(options) {
      const emu = await startEmulator(options);
      cleanups.push(() => emu.close());
      return emu;
    },
    tmpDir() {
      const dir = mkdtempSync(join(tmpdir(), 'logferry-reliability-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    client(client) {
      cleanups.push(() => client.close());
      return client;
    },
    spawn(fixtureName, config) {
      const handle = spawnFixture(fixtureName, config);
      cleanups.push(() => {
        const { child } = handle;
        // Only the child this test started, by its own handle.
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      return handle;
    },
  };
}

export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Runs a fixture with this Node.js; its config travels as one JSON argument. */
function spawnFixture(name: string, config: unknown): ChildHandle {
  const child = spawn(process.execPath, [fixturePath(name), JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  let out = '';
  let err = '';
  const lineWaiters: { prefix: string; resolve: (line: string) => void }[] = [];
  const checkLines = (): void => {
    for (const waiter of [...lineWaiters]) {
      const found = out.split('\n').find((l, i, all) => i < all.length - 1 && l.startsWith(waiter.prefix));
      if (found !== undefined) {
        lineWaiters.splice(lineWaiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    checkLines();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<ExitInfo>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line(prefix, timeoutMs = 60_000) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${prefix}" line from ${name} within ${timeoutMs} ms; stdout: ${out.slice(-2000)}; stderr: ${err.slice(-2000)}`)), timeoutMs);
        const done = (line: string): void => {
          clearTimeout(timer);
          resolve(line);
        };
        lineWaiters.push({ prefix, resolve: done });
        checkLines();
        void exited.then((info) => {
          setImmediate(() => {
            checkLines();
            const still = lineWaiters.findIndex((w) => w.resolve === done);
            if (still !== -1) {
              lineWaiters.splice(still, 1);
              clearTimeout(timer);
              reject(new Error(`${name} exited (code ${String(info.code)}, signal ${String(info.signal)}) before printing "${prefix}"; stdout: ${out.slice(-2000)}; stderr: ${err.slice(-2000)}`));
            }
          });
        });
      });
    },
  };
}

/** Resolves with the exit info, or rejects if the child is still running after `timeoutMs`. */
export function exitWithin(handle: ChildHandle, timeoutMs: number): Promise<ExitInfo> {
  return new Promise<ExitInfo>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`child did not exit within ${timeoutMs} ms; stdout: ${handle.stdout().slice(-2000)}; stderr: ${handle.stderr().slice(-2000)}`)),
      timeoutMs,
    );
    handle.exited.then(
      (info) => {
        clearTimeout(timer);
        resolve(info);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

const SEQ = /"n":(\d+)/;

/** The sequence number `n` a test record carries in its message text. */
export function seqOf(text: string): number {
  const m = SEQ.exec(text);
  if (!m) throw new Error(`no sequence number in ${JSON.stringify(text.slice(0, 200))}`);
  return Number(m[1]);
}

export function receivedSeqs(emu: Emulator): number[] {
  return emu.datamix.records.map((r) => seqOf(r.message));
}

/** Values that occur more than once (each reported once). */
export function duplicatesOf(values: readonly number[]): number[] {
  const seen = new Set<number>();
  const dup = new Set<number>();
  for (const v of values) {
    if (seen.has(v)) dup.add(v);
    else seen.add(v);
  }
  return [...dup].sort((a, b) => a - b);
}

/** Of 0..total-1, those not in `values`. */
export function missingOf(values: readonly number[], total: number, from = 0): number[] {
  const seen = new Set(values);
  const missing: number[] = [];
  for (let n = from; n < from + total; n++) if (!seen.has(n)) missing.push(n);
  return missing;
}

/** A short description of a list for assertion messages. */
export function head(values: readonly number[], count = 20): string {
  return values.length <= count ? JSON.stringify(values) : `${JSON.stringify(values.slice(0, count))} … (${values.length} in all)`;
}

export interface SpoolFileEntry {
  time: number;
  level: string;
  text: string;
}

/** The lines of a spool file ('' when it does not exist), each parsed. */
export function readSpoolFile(path: string): { raw: string; lines: string[]; entries: SpoolFileEntry[] } {
  const raw = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const lines = raw.split('\n').filter((l) => l !== '');
  const entries = lines.map((line) => JSON.parse(line) as SpoolFileEntry);
  return { raw, lines, entries };
}

/** Rejected-or-undefined violations other than the allowed rules. */
export function violationsExcept(emu: Emulator, allowed: readonly string[] = []): string[] {
  return emu.violations.filter((v) => !allowed.includes(v.rule)).map((v) => `${v.rule}: ${v.detail}`);
}

export function rssMb(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}

/** Lets the event loop run for a moment (used to spread logging over time, never to wait for delivery). */
export function tick(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
