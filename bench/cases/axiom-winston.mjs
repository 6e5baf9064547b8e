// @axiomhq/winston (main thread) → a local Axiom ingest receiver. It documents no
// close: after logger.end()/'finish' its 1 s timer sends the last batch and the
// process exits when that request is done.
import { WinstonTransport } from '@axiomhq/winston';
import { winstonLogger } from '../lib/winston.mjs';

export async function start({ urls }) {
  return winstonLogger(new WinstonTransport({ dataset: 'bench', token: 'xaat-bench', url: urls.axiom }));
}
