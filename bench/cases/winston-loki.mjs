// winston-loki (main thread) → a local Loki push receiver, JSON (json: true, as
// its README recommends), interval 1 s. After logger.end() its close() sends the
// last batch ("so shutdown code can await the final send").
import LokiTransport from 'winston-loki';
import { winstonLogger } from '../lib/winston.mjs';

export async function start({ urls }) {
  const transport = new LokiTransport({ host: urls.loki, json: true, interval: 1, labels: { app: 'bench' } });
  return winstonLogger(transport, () => transport.close());
}
