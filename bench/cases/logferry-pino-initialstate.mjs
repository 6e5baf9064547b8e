// logferry's pino transport (worker thread) → Initial State (the emulator), pacing raised to 1000 req/s.
import { pinoTransport } from '../lib/pino.mjs';

export async function start({ urls }) {
  return pinoTransport({
    target: '@logferry/pino',
    options: {
      sink: {
        type: 'initialstate',
        clientKey: 'test-client-key',
        bucketName: 'bench',
        apiUrl: urls.emulator,
        eventsUrl: urls.emulator,
        requestsPerSecond: 1000,
      },
    },
  });
}
