// pino-loki (worker thread) → a local Loki push receiver. Batching as documented
// with the interval set to 1 s (logferry's default); the buffer keeps its
// documented default bound of 10,000 logs (oldest dropped when full).
import { pinoTransport } from '../lib/pino.mjs';

export async function start({ urls }) {
  return pinoTransport({ target: 'pino-loki', options: { host: urls.loki, batching: { interval: 1 } } });
}
