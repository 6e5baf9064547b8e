// The winston transport's own share of logger.info(): LogferryTransport.log()
// called directly with the info objects winston's json format makes, in
// chunks of 1,000 a turn, main-thread CPU of those calls only (no winston
// stream pipeline, no bench loop). Per-call, so it is steadier than the
// whole-case figures on a busy machine. Run it in two checkouts, interleaved.
//   node bench/winston-log.mjs [--n 100000] [--rounds 5]
import { setImmediate as turn } from 'node:timers/promises';
import winston from 'winston';
import { LogferryTransport } from '@logferry/winston';
import { startEmulator } from '@logferry/emulator';
import { mainThreadCpuMs } from './lib/cpu.mjs';
import { MESSAGE, recordSource } from './lib/records.mjs';

const args = { n: 100_000, rounds: 5 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = Number(argv[i + 1]);

const emu = await startEmulator({ maxRecords: 10 });
const format = winston.format.json();
const next = recordSource();
const LEVEL = Symbol.for('level');
const infos = Array.from({ length: 1000 }, () => format.transform({ level: 'info', [LEVEL]: 'info', message: MESSAGE, ...next() }, format.options));
const results = [];
for (let round = 0; round < args.rounds; round++) {
  const transport = new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url } });
  const logger = winston.createLogger({ transports: [transport] });
  const noop = () => undefined;
  // One record first (an older transport starts its worker on it), then the worker settles.
  transport.log({ ...infos[0] }, noop);
  await new Promise((resolve) => setTimeout(resolve, 500));
  let cpu = 0;
  for (let i = 0; i < args.n; i += 1000) {
    const t = mainThreadCpuMs();
    for (const info of infos) transport.log({ ...info }, noop);
    cpu += mainThreadCpuMs() - t;
    await turn();
  }
  results.push((cpu * 1000) / args.n);
  await transport.flush();
  logger.close();
}
await emu.close();
const sorted = [...results].sort((a, b) => a - b);
console.log(JSON.stringify({ perCallUs: sorted[sorted.length >> 1], min: sorted[0], max: sorted.at(-1), rounds: results.map((x) => +x.toFixed(3)) }));
process.exit(0);
