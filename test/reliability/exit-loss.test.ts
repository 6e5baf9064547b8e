/**
 * No silent loss at exit, tried as a new user would: an app logs 5 records to
 * an API it cannot reach (a host that does not resolve, a server that never
 * answers, a server that is down) and ends: pino's app simply returns,
 * winston's calls logger.end() and waits for 'finish'. Each run must end (no
 * hang past exitTimeoutMs), and each must print the one line that says how
 * many records were not delivered, why, and `set spool.path to keep them`,
 * from the worker thread at the moment the main thread exits, every time.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '@logferry/emulator';
import { exitWithin, readSpoolFile, useResources, type ChildHandle } from './support.js';

const res = useResources();
const KEY = 'exit-loss-secret-key';
const COUNT = 5;
const EXIT_TIMEOUT_MS = 2000;
/** Each case runs this many times: the line must be there every time. */
const RUNS = 2;

type Unreachable = { name: string; url: () => Promise<string>; why: RegExp };

/** A loopback port nobody listens on: connections are refused. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function hangingEmulator(): Promise<string> {
  const emu: Emulator = await res.emulator({ datamix: { keys: { [KEY]: { system: 's', application: 'a', environment: 'e' } } } });
  emu.faults.hangSessions();
  return emu.url;
}

const CASES: Unreachable[] = [
  // RFC 2606: .invalid never resolves, without depending on the machine's DNS.
  { name: 'a host that does not resolve', url: () => Promise.resolve('https://logs.logferry-test.invalid'), why: /ENOTFOUND|EAI_AGAIN/ },
  { name: 'a server that never answers', url: hangingEmulator, why: /the API had not answered/ },
  { name: 'a server that is down', url: closedPort, why: /ECONNREFUSED/ },
];

function spawnApp(logger: 'pino' | 'winston', url: string, extra: Record<string, unknown> = {}): ChildHandle {
  return res.spawn('exit-loss-child.mjs', {
    logger,
    count: COUNT,
    options: { sink: { type: 'datamix', apiKey: KEY, url }, exitTimeoutMs: EXIT_TIMEOUT_MS, ...extra },
  });
}

function dropLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('[logferry] LOGFERRY_DROPPED'));
}

describe('createClient on the main thread, no onError given', () => {
  it.each(CASES)('$name: an app that logs and returns ends, and the line is on stderr', async ({ url, why }) => {
    const child = res.spawn('exit-loss-child.mjs', {
      logger: 'client',
      count: COUNT,
      options: { sink: { type: 'datamix', apiKey: KEY, url: await url() }, exitTimeoutMs: EXIT_TIMEOUT_MS },
    });
    const info = await exitWithin(child, 60_000);
    const err = child.stderr();
    expect(info, err).toMatchObject({ code: 0, signal: null });
    const lines = dropLines(err);
    expect(lines, err).toHaveLength(1);
    expect(lines[0]).toContain(`log records dropped: ${COUNT} (exit: not delivered`);
    expect(lines[0]).toMatch(why);
    expect(lines[0]).toMatch(/; set spool\.path to keep them$/);
    expect(child.stdout() + err).not.toContain(KEY);
  });
});

describe.each(['pino', 'winston'] as const)('%s: records that cannot be delivered at exit', (logger) => {
  it.each(CASES)('$name: the app ends, and one line says how many, why, and to set spool.path', async ({ url, why }) => {
    const target = await url();
    for (let run = 0; run < RUNS; run++) {
      const child = spawnApp(logger, target);
      // No hang: the deadline is 2 s; a hung end()/exit would still be running at 60 s.
      const info = await exitWithin(child, 60_000);
      const out = child.stdout();
      const err = child.stderr();
      expect(info, `run ${run}; stderr: ${err}`).toMatchObject({ code: 0, signal: null });
      if (logger === 'winston') expect(out, `run ${run}: 'finish' never fired`).toMatch(/^finished \d+$/m);
      const lines = dropLines(err);
      expect(lines, `run ${run}; stderr: ${err}`).toHaveLength(1);
      const line = lines[0] as string;
      expect(line).toContain(`log records dropped: ${COUNT} (exit: not delivered within exitTimeoutMs (${EXIT_TIMEOUT_MS} ms)`);
      expect(line).toMatch(why);
      expect(line).toMatch(/; set spool\.path to keep them$/);
      expect(out + err).not.toContain(KEY);
    }
  });

  it('with spool.path, what is left at the deadline is in the spool and no drop is reported', async () => {
    const path = join(res.tmpDir(), 'spool.ndjson');
    const child = spawnApp(logger, await hangingEmulator(), { spool: { path } });
    const info = await exitWithin(child, 60_000);
    expect(info, child.stderr()).toMatchObject({ code: 0, signal: null });
    if (logger === 'winston') expect(child.stdout()).toMatch(/^finished \d+$/m);
    expect(dropLines(child.stderr())).toEqual([]);
    const spool = readSpoolFile(path);
    expect(spool.entries.map((e) => JSON.parse(e.text.slice(e.text.indexOf('{'))) as { n: number }).map((r) => r.n)).toEqual([0, 1, 2, 3, 4]);
    expect(spool.raw).not.toContain(KEY);
  });
});

describe('winston: an app that never calls end()', () => {
  it('an app that never calls end() exits once everything arrived (it never exited before)', async () => {
    const emu = await res.emulator({ datamix: { keys: { [KEY]: { system: 's', application: 'a', environment: 'e' } } } });
    const child = res.spawn('exit-loss-child.mjs', { logger: 'winston', count: COUNT, noEnd: true, options: { sink: { type: 'datamix', apiKey: KEY, url: emu.url } } });
    const info = await exitWithin(child, 60_000);
    expect(info, child.stderr()).toMatchObject({ code: 0, signal: null });
    expect(emu.datamix.received).toBe(COUNT);
    expect(child.stderr()).toBe('');
  });

  it('an app that never calls end() gets the same line when the process exits', async () => {
    const child = res.spawn('exit-loss-child.mjs', {
      logger: 'winston',
      count: COUNT,
      noEnd: true,
      options: { sink: { type: 'datamix', apiKey: KEY, url: await closedPort() }, exitTimeoutMs: EXIT_TIMEOUT_MS },
    });
    const info = await exitWithin(child, 60_000);
    expect(info, child.stderr()).toMatchObject({ code: 0, signal: null });
    const lines = dropLines(child.stderr());
    expect(lines, child.stderr()).toHaveLength(1);
    expect(lines[0]).toMatch(/log records dropped: 5 \(exit: not delivered within exitTimeoutMs \(2000 ms\); last error .*ECONNREFUSED.*\); set spool\.path to keep them$/);
  });
});
