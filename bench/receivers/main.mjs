// The receiver process (forked by bench/run.mjs, IPC): runs every protocol's
// receiver on loopback and answers the orchestrator's questions.
//   → { type: 'ready', urls }
//   ← { type: 'reset' }              → { type: 'reset' }
//   ← { type: 'status', receiver }   → { type: 'status', status }   (status.cpuMs: this process's CPU since the reset)
//   ← { type: 'close' }
import { processCpuMs } from '../lib/cpu.mjs';
import { startAxiom } from './axiom.mjs';
import { startElasticsearch } from './elasticsearch.mjs';
import { startLogferryEmulator } from './emulator.mjs';
import { startLoki } from './loki.mjs';

const emulator = await startLogferryEmulator();
// Datamix's documented ~5 MB/s a session, for the parallel-sessions cases.
const capped = await startLogferryEmulator({ sessionBytesPerSec: 5_000_000 });
const loki = await startLoki();
const elasticsearch = await startElasticsearch();
const axiom = await startAxiom();

const byName = { datamix: emulator.datamix, initialstate: emulator.initialstate, 'datamix-capped': capped.datamix, loki, elasticsearch, axiom };
const all = [emulator, capped, loki, elasticsearch, axiom];
// This process's CPU since the last reset: what receiving and checking a case's
// requests cost (the strict emulator parses and checks every record).
let cpuAtReset = processCpuMs();

process.on('message', async (msg) => {
  if (msg.type === 'reset') {
    for (const r of all) r.reset();
    cpuAtReset = processCpuMs();
    process.send({ type: 'reset' });
  } else if (msg.type === 'status') {
    process.send({ type: 'status', status: { ...byName[msg.receiver].status(), cpuMs: processCpuMs() - cpuAtReset } });
  } else if (msg.type === 'close') {
    await Promise.all(all.map((r) => r.close()));
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

process.send({ type: 'ready', urls: { emulator: emulator.url, emulatorCapped: capped.url, loki: loki.url, elasticsearch: elasticsearch.url, axiom: axiom.url } });
