// One start-up round (see bench/startup.mjs): creates the transport (winston: and logs one record),
// and on 'measure' sends back its CPU and memory figures.
import { mainThreadCpuMs, processCpuMs } from './cpu.mjs';

const [logger, url] = process.argv.slice(2);
const sink = { type: 'datamix', apiKey: 'test-key', url };
const base = { main: mainThreadCpuMs(), total: processCpuMs(), at: Date.now() };
let keep;
if (logger === 'pino') {
  const pino = (await import('pino')).default;
  keep = pino(pino.transport({ target: '@logferry/pino', options: { sink } }));
} else {
  const winston = (await import('winston')).default;
  const { LogferryTransport } = await import('@logferry/winston');
  keep = winston.createLogger({ transports: [new LogferryTransport({ sink })] });
  keep.info('started');
}
process.send('started');
process.on('message', () => {
  const main = mainThreadCpuMs() - base.main;
  const total = processCpuMs() - base.total;
  process.send({
    version: process.version,
    keep: typeof keep,
    mainCpuMs: main,
    offMainCpuMs: Math.max(0, total - main),
    sessionAfterMs: Date.now() - base.at,
    rssMb: process.memoryUsage().rss / 1024 / 1024,
  });
});
setInterval(() => undefined, 1000);
