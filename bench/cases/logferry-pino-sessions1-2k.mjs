// Parallel sessions: @logferry/pino → Datamix with Datamix's ~5 MB/s per session
// (the emulator's sessionBytesPerSec), 2 KB records, sessions: 1.
import { pinoTransport } from '../lib/pino.mjs';
export { largeRecords as records } from '../lib/records.mjs';

export async function start({ urls }) {
  return pinoTransport({ target: '@logferry/pino', options: { sink: { type: 'datamix', apiKey: 'test-key', url: urls.emulatorCapped, sessions: 1 } } });
}
