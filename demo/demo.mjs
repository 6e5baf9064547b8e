// pnpm demo: real pino and real winston, each shipping from a worker thread to
// the embedded emulator (Datamix and Initial State), then what arrived.
import pino from 'pino';
import winston from 'winston';
import { startEmulator } from '@logferry/emulator';
import { LogferryTransport } from '@logferry/winston';

const emu = await startEmulator({
  datamix: { keys: { 'demo-datamix-key': { system: 'shop', application: 'checkout', environment: 'demo' } } },
  initialState: { clientKeys: ['demo-is-key'] },
});
const datamix = { type: 'datamix', apiKey: 'demo-datamix-key', url: emu.url };
const initialState = { type: 'initialstate', clientKey: 'demo-is-key', bucketName: 'checkout-demo', apiUrl: emu.url, eventsUrl: emu.url, fields: ['durationMs'] };

// pino: one transport per backend, each in a pino worker thread. logger.flush(cb)
// calls back once the records are delivered, not just handed to the worker.
const pinoLoggers = [datamix, initialState].map((sink) =>
  pino({ level: 'trace' }, pino.transport({ target: '@logferry/pino', options: { sink } })),
);
for (const logger of pinoLoggers) {
  logger.trace('pino: trace detail');
  logger.debug({ cache: 'miss' }, 'pino: cache lookup');
  logger.info({ orderId: 42, durationMs: 87 }, 'order placed');
  logger.warn({ orderId: 43, durationMs: 1510 }, 'payment slow');
  logger.error(new Error('card declined'), 'payment failed');
  logger.fatal('pino: out of stock service unreachable');
}
await Promise.all(pinoLoggers.map((logger) => new Promise((resolve) => logger.flush(resolve))));

// winston: the same, through LogferryTransport (a worker thread of its own).
const winstonLogger = winston.createLogger({
  level: 'silly',
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  transports: [new LogferryTransport({ sink: datamix }), new LogferryTransport({ sink: initialState })],
});
winstonLogger.silly('winston: silly detail');
winstonLogger.verbose('winston: verbose detail');
winstonLogger.http('winston: GET /cart 200', { durationMs: 12 });
winstonLogger.info('winston: order shipped', { orderId: 42, durationMs: 230 });
winstonLogger.warn('winston: retrying shipment label');
winstonLogger.error('winston: label printer offline', { printer: 'p-7' });
await new Promise((resolve) => {
  winstonLogger.on('finish', resolve);
  winstonLogger.end();
});

const records = emu.datamix.records;
const byLevel = {};
for (const r of records) byLevel[r.level] = (byLevel[r.level] ?? 0) + 1;
console.log(`\nDatamix (${emu.url}) received ${records.length} records — by level: ${JSON.stringify(byLevel)}`);
for (const r of records) console.log(`  ${r.destination}  ${r.level.padEnd(5)}  ${r.message.slice(0, 110)}`);
const events = emu.initialState.events;
console.log(`\nInitial State received ${events.length} events in bucket "${emu.initialState.buckets[0]?.bucketName}" (${emu.initialState.buckets[0]?.bucketId})`);
for (const e of events) console.log(`  ${e.sn.padEnd(10)}  e=${e.e.toFixed(3)}  v=${String(e.v).slice(0, 100)}`);
console.log(`\nProtocol violations seen by the emulator: ${emu.violationsTotal}`);
await emu.close();
process.exitCode = emu.violationsTotal === 0 && records.length === 12 ? 0 : 1;
