import pino from 'pino';
import { MESSAGE } from './records.mjs';

/**
 * A pino logger over pino.transport(options). Closing is what pino documents
 * for transports: transport.end(), which flushes, tells the worker to end
 * its destination and waits until that destination has closed.
 */
export function pinoTransport(transportOptions) {
  const transport = pino.transport(transportOptions);
  const logger = pino(transport);
  return {
    log: (fields) => logger.info(fields, MESSAGE),
    close: () =>
      new Promise((resolve, reject) => {
        // end() blocks until the worker's destination has closed (thread-stream caps it at 10 s),
        // then emits 'finish'; 'close' follows when the (unref'd) worker thread exits.
        // When profiling the worker, wait for 'close' too, so it can write its profile.
        const waitExit = Boolean(transportOptions.worker?.execArgv?.length);
        const hold = waitExit ? setInterval(() => undefined, 1000) : undefined;
        const done = () => {
          clearInterval(hold);
          resolve();
        };
        transport.once(waitExit ? 'close' : 'finish', done);
        transport.once('close', done);
        transport.once('error', reject);
        transport.end();
      }),
  };
}
