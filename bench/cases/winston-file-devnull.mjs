// Floor for winston: its File transport to /dev/null.
import winston from 'winston';
import { winstonLogger } from '../lib/winston.mjs';

export async function start() {
  return winstonLogger(new winston.transports.File({ filename: '/dev/null' }));
}
