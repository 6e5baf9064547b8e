// Floor: pino writing synchronously to /dev/null on the main thread.
import pino from 'pino';
import { MESSAGE } from '../lib/records.mjs';

export async function start() {
  const dest = pino.destination('/dev/null');
  const logger = pino(dest);
  return {
    log: (fields) => logger.info(fields, MESSAGE),
    close: async () => {
      dest.flushSync();
      dest.end();
    },
  };
}
