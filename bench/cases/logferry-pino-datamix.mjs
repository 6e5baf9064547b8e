// logferry's pino transport (worker thread) → Datamix (the emulator). Default batching.
import { pinoTransport } from '../lib/pino.mjs';

/** BENCH_LOGFERRY_EXTRA: JSON merged into the options (`sink` merged one level deep), for trying settings. */
function withExtra(options) {
  const extra = process.env.BENCH_LOGFERRY_EXTRA ? JSON.parse(process.env.BENCH_LOGFERRY_EXTRA) : {};
  return { ...options, ...extra, sink: { ...options.sink, ...extra.sink } };
}

export async function start({ urls }) {
  const worker = process.env.BENCH_WORKER_EXECARGV ? { execArgv: JSON.parse(process.env.BENCH_WORKER_EXECARGV) } : undefined;
  return pinoTransport({
    target: '@logferry/pino',
    options: withExtra({ sink: { type: 'datamix', apiKey: 'test-key', url: urls.emulator } }),
    ...(worker ? { worker } : {}),
  });
}
