/**
 * The fault matrix: 20,000 numbered records through createClient (in-process, so
 * stats are exact) against the emulator with one kind of fault each. Always:
 * every record is accounted for (delivered + dropped + spooled === logged), no
 * record arrives twice, and when nothing was dropped or spooled, all arrived.
 */
import { describe, expect, it } from 'vitest';
import { createClient, type Client, type LogferryError, type LogferryOptionsInput, type Stats } from '@logferry/core';
import type { Emulator } from '@logferry/emulator';
import { datamixOptions, duplicatesOf, FAST_RETRY, head, missingOf, receivedSeqs, useResources, violationsExcept } from './support.js';

const TOTAL = 20_000;
const res = useResources();

interface Outcome {
  client: Client;
  stats: Stats;
  errors: LogferryError[];
  startedAt: number;
  doneAt: number;
}

async function run(emu: Emulator, extra: Partial<LogferryOptionsInput> = {}): Promise<Outcome> {
  const errors: LogferryError[] = [];
  const client = res.client(createClient(datamixOptions(emu, extra), { onError: (e) => errors.push(e), exitHooks: false }));
  const startedAt = Date.now();
  for (let n = 0; n < TOTAL; n++) client.log({ level: 'info', time: Date.now(), msg: 'r', n });
  await client.flush();
  const doneAt = Date.now();
  return { client, stats: client.stats(), errors, startedAt, doneAt };
}

/** The invariants every row of the matrix shares. */
function expectAccounted(emu: Emulator, stats: Stats, allowedViolations: readonly string[] = []): void {
  expect(stats.logged).toBe(TOTAL);
  expect(stats.delivered + stats.dropped + stats.spooled, JSON.stringify(stats)).toBe(TOTAL);
  expect(stats.inFlight).toBe(0);
  expect(stats.buffered).toBe(0);
  const seqs = receivedSeqs(emu);
  expect(head(duplicatesOf(seqs)), 'records received twice').toBe('[]');
  expect(seqs.length).toBe(stats.delivered);
  if (stats.dropped === 0 && stats.spooled === 0) {
    expect(head(missingOf(seqs, TOTAL)), 'records never received').toBe('[]');
    expect(seqs).toHaveLength(TOTAL);
  }
  expect(violationsExcept(emu, allowedViolations)).toEqual([]);
  expect(JSON.stringify(stats)).not.toContain('test-key');
}

function statuses(emu: Emulator, path: string): number[] {
  return emu.datamix.requests.filter((r) => r.path.endsWith(path)).map((r) => r.status);
}

describe('fault matrix: 20,000 records through createClient', () => {
  it('a. 20% of logs requests answer 503: retried, all arrive once', async () => {
    const emu = await res.emulator();
    emu.faults.failRate(0.2, { status: 503, path: 'logs', seed: 7 });
    const { stats } = await run(emu);
    expectAccounted(emu, stats);
    expect(stats.delivered).toBe(TOTAL);
    const failed = statuses(emu, '/logs').filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(0);
    expect(stats.failedRequests).toBe(failed);
    expect(stats.retries).toBe(failed);
    expect(stats.duplicatesAvoided).toBe(0);
  });

  it('b1. 429 with Retry-After: 2 (seconds) is honoured, all arrive once', async () => {
    const emu = await res.emulator();
    emu.faults.failNext(2, { status: 429, retryAfter: '2', path: 'logs' });
    const { stats, startedAt, doneAt } = await run(emu);
    expectAccounted(emu, stats);
    expect(stats.delivered).toBe(TOTAL);
    expect(statuses(emu, '/logs').filter((s) => s === 429)).toHaveLength(2);
    expect(stats.retries).toBe(2);
    // Two waits of at least 2 s each before the first batch could go through (a lower bound, not a speed claim).
    expect(doneAt - startedAt).toBeGreaterThanOrEqual(4000);
  });

  it('b2. 429 with Retry-After as an HTTP-date is honoured, all arrive once', async () => {
    const emu = await res.emulator();
    // A whole second at least 2 s ahead (HTTP-dates have second resolution).
    const until = Math.ceil((Date.now() + 2000) / 1000) * 1000;
    emu.faults.failNext(3, { status: 429, retryAfter: new Date(until).toUTCString(), path: 'logs' });
    const { stats, doneAt } = await run(emu);
    expectAccounted(emu, stats);
    expect(stats.delivered).toBe(TOTAL);
    expect(statuses(emu, '/logs').filter((s) => s === 429)).toHaveLength(3);
    // Nothing could be accepted before the date the server named.
    expect(doneAt).toBeGreaterThanOrEqual(until - 5);
    expect(Math.min(...emu.datamix.records.map((r) => r.receivedAt))).toBeGreaterThanOrEqual(until - 5);
  });

  it('c. connections reset before processing: resent, all arrive once', async () => {
    const emu = await res.emulator();
    emu.faults.resetNext(5, { when: 'before', path: 'logs' });
    const { stats } = await run(emu);
    expectAccounted(emu, stats);
    expect(stats.delivered).toBe(TOTAL);
    expect(emu.faults.injected.filter((f) => f.kind === 'reset-before')).toHaveLength(5);
    expect(stats.ambiguous).toBe(5);
    expect(stats.duplicatesAvoided).toBe(0);
  });

  it('d1. responses lost after processing (resetNext(5, after)): zero duplicates', async () => {
    const emu = await res.emulator();
    emu.faults.resetNext(5, { when: 'after', path: 'logs' });
    const { stats } = await run(emu);
    // The resend with the already-used token is how logferry learns the batch was processed.
    expectAccounted(emu, stats, ['stale-token']);
    expect(stats.delivered).toBe(TOTAL);
    expect(emu.faults.injected.filter((f) => f.kind === 'reset-after')).toHaveLength(5);
    expect(stats.ambiguous).toBe(5);
    // Five lost responses in a row hit ONE batch: its first attempt was processed, the four
    // resends with the same token got a 409 that was itself lost; the sixth attempt hears the 409.
    // So one batch was at risk of duplication, and one duplicate was avoided.
    expect(stats.duplicatesAvoided).toBe(1);
    expect(emu.violations.filter((v) => v.rule === 'stale-token')).toHaveLength(5);
  });

  it('d2. five batches each lose their response once: duplicatesAvoided === 5, zero duplicates', async () => {
    const emu = await res.emulator();
    for (let i = 0; i < 5; i++) {
      emu.faults.resetNext(1, { when: 'after', path: 'logs' });
      // A no-op fault so the resend goes through and the next reset hits the next batch.
      emu.faults.delayNext(1, 0, { path: 'logs' });
    }
    const { stats } = await run(emu);
    expectAccounted(emu, stats, ['stale-token']);
    expect(stats.delivered).toBe(TOTAL);
    expect(emu.faults.injected.filter((f) => f.kind === 'reset-after')).toHaveLength(5);
    expect(stats.ambiguous).toBe(5);
    expect(stats.duplicatesAvoided).toBe(5);
    expect(emu.violations.filter((v) => v.rule === 'stale-token')).toHaveLength(5);
  });

  it('e. a hung server: the request timeout fires, the lane is not stuck, all arrive once', async () => {
    const emu = await res.emulator();
    emu.faults.hangNext(2, { path: 'logs' });
    const { stats, errors } = await run(emu, { retry: { ...FAST_RETRY, requestTimeoutMs: 1000 } });
    expectAccounted(emu, stats);
    expect(stats.delivered).toBe(TOTAL);
    expect(emu.faults.injected.filter((f) => f.kind === 'hang')).toHaveLength(2);
    expect(stats.ambiguous).toBe(2);
    expect(stats.duplicatesAvoided).toBe(0);
    expect(errors.some((e) => /timed out/.test(e.message))).toBe(true);
  });

  it('g. session creation hangs, then recovers: no logs request without a token, all arrive once', async () => {
    const emu = await res.emulator();
    // Session requests hang until one has met the hang (a condition, not a window a busy machine can miss), then recover.
    emu.faults.hangSessions();
    const recovered = emu.waitFor(() => emu.faults.injected.some((f) => f.kind === 'hang-sessions')).then(() => emu.faults.hangSessions(0));
    recovered.catch(() => undefined); // awaited below; this only keeps a timeout from surfacing as unhandled first
    const { stats } = await run(emu, { retry: { ...FAST_RETRY, requestTimeoutMs: 1000 } });
    await recovered;
    expectAccounted(emu, stats);
    expect(stats.delivered).toBe(TOTAL);
    expect(emu.violations.filter((v) => v.rule === 'unknown-token')).toEqual([]);
    expect(emu.faults.injected.filter((f) => f.kind === 'hang-sessions').length).toBeGreaterThanOrEqual(1);
    expect(statuses(emu, '/sessions').filter((s) => s === 0).length).toBeGreaterThanOrEqual(1);
    // Every logs request that reached the server was answered normally: none went out before a session existed.
    expect(statuses(emu, '/logs').every((s) => s === 200)).toBe(true);
  });
});
