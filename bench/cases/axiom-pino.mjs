// @axiomhq/pino (worker thread) → a local Axiom ingest receiver. Its documented
// config; the client batches 1000 events or 1 s and gzips each request.
import { pinoTransport } from '../lib/pino.mjs';

export async function start({ urls }) {
  return pinoTransport({ target: '@axiomhq/pino', options: { dataset: 'bench', token: 'xaat-bench', url: urls.axiom } });
}
