// Floor for worker-thread transports: pino's own file transport in a worker, to /dev/null.
import { pinoTransport } from '../lib/pino.mjs';

export async function start() {
  return pinoTransport({ target: 'pino/file', options: { destination: '/dev/null' } });
}
