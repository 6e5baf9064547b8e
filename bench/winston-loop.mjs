// The app's main-thread CPU per logger.info() in the bench's loop (1,000 records a turn), for one
// winston transport, in a process of its own: the figure bench/run.mjs calls "loop µs/log", without
// the rest of the case. The emulator runs in a child process, as in run.mjs.
//   node bench/winston-loop.mjs <file|null|nullsync|logferry> [n]
// file: winston's File → /dev/null (the floor); null: a transport that calls back at once and does
// nothing; nullsync: the same, calling back as winston's own streams do (the write marked done
// first); logferry: LogferryTransport → the emulator (Datamix).
// BENCH_CALLGRIND=1 (the process run under `valgrind --tool=callgrind --instr-atstart=no`): the loop
// alone is instrumented and dumped, via callgrind_control, so its instruction count can be read.
import { execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import winston from 'winston';
import { mainThreadCpuMs } from './lib/cpu.mjs';
import { MESSAGE, recordSource } from './lib/records.mjs';

if (process.argv[2] === '--emulator') {
  const { startEmulator } = await import('@logferry/emulator');
  const emu = await startEmulator({ maxRecords: 10 });
  process.send(emu.url);
  process.on('disconnect', () => void emu.close().then(() => process.exit(0)));
} else {
  const [variant, nArg] = process.argv.slice(2);
  const n = Number(nArg ?? 100_000);
  const callgrind = (...args) => {
    if (process.env.BENCH_CALLGRIND === '1') execFileSync('callgrind_control', [...args, String(process.pid)], { stdio: 'ignore' });
  };
  let emulator;
  let transport;
  if (variant === 'file') transport = new winston.transports.File({ filename: '/dev/null' });
  else if (variant === 'null') {
    transport = new (class extends winston.Transport {
      log(info, callback) {
        callback();
      }
    })();
  } else if (variant === 'nullsync') {
    transport = new (class extends winston.Transport {
      log(info, callback) {
        this._writableState.sync = false;
        callback();
      }
    })();
  } else if (variant === 'logferry') {
    const { LogferryTransport } = await import('@logferry/winston');
    emulator = fork(fileURLToPath(import.meta.url), ['--emulator'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const url = await new Promise((resolve) => emulator.once('message', resolve));
    transport = new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url } });
  } else throw new Error(`unknown transport ${variant} (file, null, nullsync or logferry)`);
  const logger = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [transport] });
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_READY_MS ?? 1000)));
  const next = recordSource();
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  callgrind('-i', 'on');
  const t0 = mainThreadCpuMs();
  for (let i = 0; i < n; i++) {
    logger.info(MESSAGE, next());
    if ((i + 1) % 1000 === 0) await turn();
  }
  const loopMs = mainThreadCpuMs() - t0;
  callgrind('-d');
  callgrind('-i', 'off');
  const finished = new Promise((resolve) => logger.once('finish', resolve));
  await new Promise((resolve) => {
    const check = () => (logger.readableLength === 0 && logger.writableLength === 0 ? resolve() : setImmediate(check));
    check();
  });
  logger.end();
  await finished;
  const totalMs = mainThreadCpuMs() - t0;
  emulator?.disconnect();
  console.log(JSON.stringify({ variant, n, loopUsPerLog: +((loopMs * 1000) / n).toFixed(3), mainCpuMs: Math.round(totalMs) }));
}
