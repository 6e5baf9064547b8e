// The soak's app (see soak.mjs): pino with a durable spool, logging at a steady rate.
// argv[2]: JSON { url, path, rate, seconds, bufferBytes }. Prints "done <count> <stats>" after its final flush.
import pino from 'pino';

const config = JSON.parse(process.argv[2]);
const logger = pino(
  pino.transport({
    target: '@logferry/pino',
    options: {
      sink: { type: 'datamix', apiKey: 'test-key', url: config.url },
      spool: { path: config.path, mode: 'durable' },
      buffer: { maxBytes: config.bufferBytes },
    },
  }),
);
const pad = 'x'.repeat(60);
const started = Date.now();
let n = 0;
const timer = setInterval(() => {
  const elapsed = Date.now() - started;
  const target = Math.min(Math.floor((elapsed / 1000) * config.rate), config.rate * config.seconds);
  while (n < target) logger.info({ n: n++, pad }, 'soak record');
  if (elapsed >= config.seconds * 1000) {
    clearInterval(timer);
    logger.flush(() => {
      process.stdout.write(`done ${n}\n`);
      // pino ends the worker at exit (within exitTimeoutMs); everything was flushed already.
      process.exit(0);
    });
  }
}, 10);
