import type winston from 'winston';

/** Ends the logger and resolves on its 'finish': every transport has settled what it was given. */
export function finished(logger: winston.Logger): Promise<void> {
  return new Promise((resolve) => {
    logger.on('finish', () => resolve());
    logger.end();
  });
}
