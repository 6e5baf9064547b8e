// pino-elasticsearch (worker thread) → a local Elasticsearch _bulk receiver.
// flushBytes 1 MiB and flushInterval 1 s (logferry's defaults; the documented
// example's 1000 bytes would make one request per ~5 records).
import { pinoTransport } from '../lib/pino.mjs';

export async function start({ urls }) {
  return pinoTransport({
    target: 'pino-elasticsearch',
    options: { node: urls.elasticsearch, index: 'bench', esVersion: 8, flushBytes: 1024 * 1024, flushInterval: 1000 },
  });
}
