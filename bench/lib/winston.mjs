import winston from 'winston';
import { MESSAGE } from './records.mjs';

/** Resolves once the logger's own stream buffers are empty (everything handed to the transport). */
function drained(logger) {
  return new Promise((resolve) => {
    const check = () => (logger.readableLength === 0 && logger.writableLength === 0 ? resolve() : setImmediate(check));
    check();
  });
}

/**
 * A winston logger (json format, the default) with one transport. Closing is
 * what winston documents: logger.end(), then its 'finish' (after every
 * transport's 'finish'), then whatever the transport itself documents (`after`).
 * Before end() the harness waits for the logger's own buffer to drain: ending
 * a winston logger that still holds records ends its transports under them
 * ("write after end").
 */
export function winstonLogger(transport, after) {
  const logger = winston.createLogger({ level: 'info', format: winston.format.json(), transports: [transport] });
  // Like an app would: listen for transport errors (winston forwards them to the logger) and keep going.
  const errors = { count: 0, first: undefined };
  logger.on('error', (error) => {
    errors.count++;
    errors.first ??= String(error?.message ?? error);
  });
  return {
    log: (fields) => logger.info(MESSAGE, fields),
    close: async () => {
      await drained(logger);
      const finished = new Promise((resolve) => logger.once('finish', resolve));
      logger.end();
      await finished;
      if (after) await after();
    },
    errors,
  };
}
