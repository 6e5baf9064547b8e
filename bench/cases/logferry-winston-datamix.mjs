// logferry's winston transport (ships from a worker thread) → Datamix (the emulator).
import { LogferryTransport } from '@logferry/winston';
import { winstonLogger } from '../lib/winston.mjs';

export async function start({ urls }) {
  return winstonLogger(new LogferryTransport({ sink: { type: 'datamix', apiKey: 'test-key', url: urls.emulator } }));
}
