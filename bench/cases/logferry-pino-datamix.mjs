// logferry's pino transport (worker thread) → Datamix (the emulator). Default batching.
import { pinoTransport } from '../lib/pino.mjs';

export async function start({ urls }) {
  const worker = process.env.BENCH_WORKER_EXECARGV ? { execArgv: JSON.parse(process.env.BENCH_WORKER_EXECARGV) } : undefined;
  return pinoTransport({
    target: '@logferry/pino',
    options: { sink: { type: 'datamix', apiKey: 'test-key', url: urls.emulator }, ...(process.env.BENCH_LOGFERRY_EXTRA ? JSON.parse(process.env.BENCH_LOGFERRY_EXTRA) : {}) },
    ...(worker ? { worker } : {}),
  });
}
