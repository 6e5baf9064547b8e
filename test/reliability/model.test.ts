/**
 * A property test of the pipeline against a simple model: whatever sequence of
 * logging, injected faults, flushes and restarts (close, new client on the same
 * spool, replay the spool before it or, refused, while it drains) happens, every record logged reaches the server
 * exactly once, either directly or through the spool and a replay.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createClient, replaySpool, type Client, type LogferryOptionsInput, type ReplayResult } from '@logferry/core';
import type { Emulator } from '@logferry/emulator';
import { API_KEY, duplicatesOf, head, missingOf, receivedSeqs, useResources } from './support.js';

const res = useResources();

type Command =
  | { kind: 'log'; count: number }
  | { kind: 'fail' }
  | { kind: 'reset'; when: 'before' | 'after' }
  | { kind: 'flush' }
  | { kind: 'restart'; replay: 'before' | 'after' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 60 }).map((count): Command => ({ kind: 'log', count })) },
  // More than the 64 KiB buffer holds while a batch is out: the oldest overflow into the spool.
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 1400 }).map((count): Command => ({ kind: 'log', count })) },
  { weight: 2, arbitrary: fc.constant<Command>({ kind: 'fail' }) },
  { weight: 2, arbitrary: fc.constantFrom<'before' | 'after'>('before', 'after').map((when): Command => ({ kind: 'reset', when })) },
  { weight: 2, arbitrary: fc.constant<Command>({ kind: 'flush' }) },
  { weight: 1, arbitrary: fc.constantFrom<'before' | 'after'>('before', 'after').map((replay): Command => ({ kind: 'restart', replay })) },
);

function options(emu: Emulator, spoolPath: string): LogferryOptionsInput {
  return {
    sink: { type: 'datamix', apiKey: API_KEY, url: emu.url },
    batch: { maxEvents: 100, intervalMs: 10 },
    buffer: { maxBytes: 64 * 1024 },
    retry: { baseMs: 10, maxMs: 50, maxElapsedMs: 20_000, requestTimeoutMs: 2000 },
    spool: { path: spoolPath, maxBytes: 64 * 1024 * 1024 },
    exitTimeoutMs: 20_000,
  };
}

function replayOptions(emu: Emulator, spoolPath: string): { path: string } & Record<string, unknown> {
  return {
    path: spoolPath,
    sink: { type: 'datamix', apiKey: API_KEY, url: emu.url },
    batch: { maxEvents: 100, intervalMs: 10 },
    retry: { baseMs: 10, maxMs: 50, maxElapsedMs: 20_000, requestTimeoutMs: 2000 },
  };
}

describe('pipeline model: log / fail / reset / flush / restart', () => {
  it('every logged record is delivered exactly once, directly or through spool + replay', async () => {
    const emu = await res.emulator();
    const dir = res.tmpDir();
    let run = 0;
    let spooledTotal = 0;
    let duplicatesAvoidedTotal = 0;

    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        emu.reset();
        const spoolPath = join(dir, `run-${++run}`, 'spool.ndjson');
        let logged = 0;
        let deliveredByClients = 0;
        let deliveredByReplays = 0;
        const problems: string[] = [];

        const closeAndCheck = async (client: Client): Promise<void> => {
          await client.close();
          const s = client.stats();
          deliveredByClients += s.delivered;
          spooledTotal += s.spooled;
          duplicatesAvoidedTotal += s.duplicatesAvoided;
          // A client started on the spool drains what the last one left there (`drained`), before any replay does.
          if (s.delivered + s.spooled !== s.logged + s.drained || s.dropped !== 0 || s.rejected !== 0) {
            problems.push(`client stats do not add up: ${JSON.stringify(s)}`);
          }
        };
        const replay = async (): Promise<void> => {
          const r: ReplayResult = await replaySpool(replayOptions(emu, spoolPath));
          deliveredByReplays += r.delivered;
          if (r.incomplete || r.skippedLines !== 0 || r.rejected !== 0) problems.push(`replay: ${JSON.stringify(r)}`);
        };

        const replayRefused = async (): Promise<void> => {
          const refused = await replaySpool(replayOptions(emu, spoolPath)).then(
            (r) => `not refused: ${JSON.stringify(r)}`,
            (error: { code?: string; message?: string }) => (error.code === 'LOGFERRY_SPOOL' && /is being drained by another process/.test(error.message ?? '') ? undefined : `${error.code}: ${error.message}`),
          );
          // No file to replay is no refusal either: then there was nothing to send.
          if (refused !== undefined && !refused.startsWith('not refused: {"delivered":0,')) problems.push(`replay while a client drains: ${refused}`);
        };

        let client = createClient(options(emu, spoolPath), { exitHooks: false });
        try {
          for (const cmd of commands) {
            switch (cmd.kind) {
              case 'log':
                for (let i = 0; i < cmd.count; i++) client.log({ level: 'info', time: Date.now(), msg: 'r', n: logged++ });
                break;
              case 'fail':
                emu.faults.failNext(1, { status: 503, path: 'logs' });
                break;
              case 'reset':
                emu.faults.resetNext(1, { when: cmd.when, path: 'logs' });
                break;
              case 'flush':
                await client.flush();
                break;
              case 'restart':
                await closeAndCheck(client);
                if (cmd.replay === 'before') await replay();
                client = createClient(options(emu, spoolPath), { exitHooks: false });
                // The new client drains the spool; a replay meanwhile is refused (it holds the drain lock), sending nothing.
                if (cmd.replay === 'after') await replayRefused();
                break;
            }
          }
          await closeAndCheck(client);
        } finally {
          await client.close();
        }
        await replay();

        const seqs = receivedSeqs(emu);
        expect(problems).toEqual([]);
        expect(head(duplicatesOf(seqs)), `duplicates for ${JSON.stringify(commands)}`).toBe('[]');
        expect(head(missingOf(seqs, logged)), `lost records for ${JSON.stringify(commands)}`).toBe('[]');
        expect(seqs).toHaveLength(logged);
        expect(deliveredByClients + deliveredByReplays).toBe(logged);
        // 'stale-token' is how a lost response is resolved without a duplicate; nothing else may appear.
        expect(emu.violations.filter((v) => v.rule !== 'stale-token').map((v) => `${v.rule}: ${v.detail}`)).toEqual([]);
      }),
      { numRuns: 30 },
    );
    // The property is only worth something if the spool and lost responses were exercised.
    expect(spooledTotal).toBeGreaterThan(0);
    expect(duplicatesAvoidedTotal).toBeGreaterThan(0);
  });
});
