/**
 * SIGTERM with signal handling on (`handleSignals: true` for createClient and
 * winston, `handleSignals(logger)` for pino): a child logs 5,000 records, the
 * test sends SIGTERM, and every record is either delivered or in the spool
 * (exactly once over both), and the child is gone within its deadline.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '@logferry/emulator';
import { API_KEY, duplicatesOf, exitWithin, FAST_RETRY, head, missingOf, readSpoolFile, receivedSeqs, seqOf, useResources, violationsExcept } from './support.js';

const COUNT = 5000;
/** The default exit deadline is 8 s (pino's handleSignals too): the child must be gone well within 15 s. */
const EXIT_BOUND_MS = 15_000;
const res = useResources();

const APPS = [
  { name: 'createClient', fixture: 'client-child.mjs', handleSignalsOption: true },
  { name: 'winston', fixture: 'winston-child.mjs', handleSignalsOption: true },
  { name: 'pino', fixture: 'pino-child.mjs', handleSignalsOption: false },
] as const;

const SERVERS = [
  {
    name: 'a slow server',
    arrange: (emu: Emulator): void => {
      emu.faults.delayNext(3, 1500, { path: 'logs' });
      emu.faults.failNext(2, { status: 503, path: 'logs' });
    },
  },
  {
    name: 'a server that is down',
    arrange: (emu: Emulator): void => emu.faults.down(60_000),
  },
] as const;

describe('SIGTERM while records are pending: each is delivered or spooled, and the child exits in time', () => {
  for (const app of APPS) {
    for (const server of SERVERS) {
      it(`${app.name}, ${server.name}`, async () => {
        const emu = await res.emulator();
        const path = join(res.tmpDir(), 'spool.ndjson');
        const options: Record<string, unknown> = {
          sink: { type: 'datamix', apiKey: API_KEY, url: emu.url },
          retry: { ...FAST_RETRY },
          spool: { path },
        };
        if (app.handleSignalsOption) options.handleSignals = true;
        server.arrange(emu);

        const child = res.spawn(app.fixture, { options, count: COUNT, mode: 'signal' });
        await child.line('ready ', 60_000);
        const sentAt = Date.now();
        child.child.kill('SIGTERM');
        const info = await exitWithin(child, 60_000);
        const took = info.at - sentAt;
        expect(took, `exit took ${took} ms; stderr: ${child.stderr().slice(-2000)}`).toBeLessThan(EXIT_BOUND_MS);
        // The signal takes its normal course once logferry is done (or SIGTERM's default action, 128 + 15).
        expect(info.signal === 'SIGTERM' || info.code === 143, `exit ${JSON.stringify(info)}`).toBe(true);

        const delivered = receivedSeqs(emu);
        const spool = readSpoolFile(path);
        expect(spool.raw).not.toContain(API_KEY);
        const spooled = spool.entries.map((e) => seqOf(e.text));
        const all = [...delivered, ...spooled];
        expect(
          delivered.length + spooled.length,
          `delivered ${delivered.length} + spooled ${spooled.length} should be ${COUNT}; stderr: ${child.stderr().slice(-1000)}`,
        ).toBe(COUNT);
        expect(head(duplicatesOf(all)), 'records both delivered and spooled, or twice in either').toBe('[]');
        expect(head(missingOf(all, COUNT)), 'records neither delivered nor spooled').toBe('[]');
        expect(violationsExcept(emu)).toEqual([]);
      });
    }
  }
});
