// kill9.mjs's app: pino or winston with a durable spool logs at `rate` records/s for `ms`,
// then logs `burst` more in one synchronous loop and kills itself with SIGKILL right after
// the last call, so exactly `logged` records were handed to the logger.
// argv[2]: JSON { logger, url, path, rate, ms, burst }.
import pino from 'pino';
import winston from 'winston';
import { LogferryTransport } from '@logferry/winston';

const config = JSON.parse(process.argv[2]);
const options = {
  sink: { type: 'datamix', apiKey: 'test-key', url: config.url },
  spool: { path: config.path, mode: 'durable' },
  retry: { maxElapsedMs: 600_000 },
};
let log;
if (config.logger === 'pino') {
  const logger = pino(pino.transport({ target: '@logferry/pino', options }));
  log = (n) => logger.info({ n }, 'k');
} else {
  const logger = winston.createLogger({ transports: [new LogferryTransport(options)] });
  logger.on('error', () => undefined);
  log = (n) => logger.info('k', { n });
}
let n = 0;
const started = Date.now();
const timer = setInterval(() => {
  const elapsed = Date.now() - started;
  const target = Math.floor((Math.min(elapsed, config.ms) / 1000) * config.rate);
  while (n < target) log(n++);
  if (elapsed >= config.ms) {
    clearInterval(timer);
    for (let i = 0; i < config.burst; i++) log(n++);
    process.stdout.write(`logged ${n}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}, 5);
