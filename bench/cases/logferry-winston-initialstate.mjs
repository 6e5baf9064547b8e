// logferry's winston transport (ships from a worker thread) → Initial State (the emulator).
import { LogferryTransport } from '@logferry/winston';
import { winstonLogger } from '../lib/winston.mjs';

export async function start({ urls }) {
  return winstonLogger(
    new LogferryTransport({
      sink: {
        type: 'initialstate',
        clientKey: 'test-client-key',
        bucketName: 'bench',
        apiUrl: urls.emulator,
        eventsUrl: urls.emulator,
        requestsPerSecond: 1000,
      },
    }),
  );
}
