// pino-loki with an unbounded buffer (maxBufferSize: 0, documented), so nothing is dropped.
import { pinoTransport } from '../lib/pino.mjs';

export async function start({ urls }) {
  return pinoTransport({ target: 'pino-loki', options: { host: urls.loki, batching: { interval: 1, maxBufferSize: 0 } } });
}
