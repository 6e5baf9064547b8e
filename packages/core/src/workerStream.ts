import { parentPort } from 'node:worker_threads';
import build from 'pino-abstract-transport';
import { Writable } from 'node:stream';
import { createClientFromResolved, type Client } from './client.js';
import { LogferryError } from './errors.js';
import { levelMapFor } from './levels.js';
import { parseOptions, type ResolvedOptions } from './options.js';

export interface WorkerStreamSetup {
  /** pino: wait for pino's level config (custom levels, messageKey). */
  expectPinoConfig: boolean;
  /** winston: its level set (lower number is more severe). */
  winstonLevels?: Record<string, number>;
  /** Receives error reports in the worker (pino: stderr; winston: posted to the main thread). */
  onError: (error: LogferryError) => void;
}

/** Lines split per event-loop turn before yielding to I/O (see splitFrom). */
const LINES_PER_TURN = 1000;

/**
 * The destination a worker thread hands to thread-stream: text in, split into
 * lines by hand (split2's regex and object-mode streams cost ~10% of the
 * worker), the core pipeline behind. pino-abstract-transport supplies pino's
 * config handshake (custom levels, messageKey). `flush()` resolves once every
 * line written before it is delivered (thread-stream forwards
 * `logger.flush(cb)` here); ending the stream closes the client within its exit
 * deadline, so pino's exit wait covers it. Bad options never throw here (that
 * would crash the host app through an unhandled 'error'): they are reported
 * once and the records are counted as dropped.
 */
export async function createWorkerStream(rawOptions: unknown, setup: WorkerStreamSetup): Promise<Writable> {
  let options: ResolvedOptions | undefined;
  try {
    options = parseOptions(rawOptions);
  } catch (error) {
    setup.onError(error instanceof LogferryError ? error : new LogferryError('LOGFERRY_BAD_OPTION', String(error)));
  }
  let pinoConfig: { levels?: { values?: Record<string, number> }; messageKey?: string } = {};
  if (setup.expectPinoConfig) {
    const handshake = await build(() => undefined, { expectPinoConfig: true, metadata: false });
    pinoConfig = { levels: (handshake as unknown as typeof pinoConfig).levels, messageKey: (handshake as unknown as typeof pinoConfig).messageKey };
    handshake.destroy();
  }

  let client: Client | undefined;
  if (options) {
    const levels = setup.winstonLevels
      ? levelMapFor(options.levels, { winstonLevels: setup.winstonLevels })
      : levelMapFor(options.levels, pinoConfig.levels?.values ? { pinoLevels: pinoConfig.levels.values } : {});
    const messageKey = pinoConfig.messageKey ?? (setup.winstonLevels ? 'message' : 'msg');
    client = createClientFromResolved(options, { levels, onError: setup.onError, exitHooks: false, messageKey });
  }
  const active = client;
  let dropped = 0;
  let partial = '';

  const onLine = (line: string): void => {
    if (!active) {
      dropped++;
      return;
    }
    try {
      active.logLine(line);
    } catch (error) {
      // A bug must cost one record, not the worker (its death would reach the host app).
      setup.onError(new LogferryError('LOGFERRY_WORKER', `could not process a log line: ${(error as Error).message}`));
    }
  };

  // A chunk can hold tens of thousands of lines (thread-stream hands over
  // whatever accumulated while the worker was busy). Splitting it in one go
  // would keep the event loop from answering HTTP responses, so the lanes
  // would idle while the queue grows: split LINES_PER_TURN lines, then yield.
  // When the API answers but is behind, wait for the client's capacity
  // instead: the backlog then stays in thread-stream's buffer as bytes rather
  // than in this heap as records, and nothing is dropped for a mere burst.
  let splitting = false;
  const afterSplit: (() => void)[] = [];
  const splitFrom = (text: string, from: number, callback: (error?: Error | null) => void): void => {
    let start = from;
    let lines = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > start) onLine(text.slice(start, end));
      start = nl + 1;
      const wait = active?.capacity();
      if (wait || ++lines === LINES_PER_TURN) {
        if (text.indexOf('\n', start) === -1) break;
        splitting = true;
        const resume = (): void => splitFrom(text, start, callback);
        if (wait) void wait.then(resume);
        else setImmediate(resume);
        return;
      }
    }
    partial = start === 0 ? text : text.slice(start);
    const wait = active?.capacity();
    if (wait) {
      splitting = true;
      void wait.then(() => done(callback));
      return;
    }
    done(callback);
  };
  const done = (callback: (error?: Error | null) => void): void => {
    splitting = false;
    for (const resume of afterSplit.splice(0)) resume();
    callback();
  };

  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      splitFrom(partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8')), 0, callback);
    },
    final(callback) {
      if (partial !== '') onLine(partial);
      partial = '';
      (active ? active.close() : Promise.resolve()).then(() => callback(), (err: Error) => callback(err));
    },
  }) as Writable & { flush?: (cb: (err?: Error | null) => void) => void; stats?: () => unknown };

  stream.flush = (cb) => {
    // Lines of a chunk still being split were written before the flush: wait for them first.
    const flushClient = (): void => {
      (active ? active.flush() : Promise.resolve()).then(() => cb(), (err: Error) => cb(err));
    };
    if (splitting) afterSplit.push(flushClient);
    else flushClient();
  };
  stream.stats = () => active?.stats() ?? { dropped };
  // Requests from the main thread for stats (winston exposes them).
  parentPort?.on('message', (msg: unknown) => {
    const m = msg as { code?: string; id?: number } | null;
    if (m?.code === 'LOGFERRY_STATS') {
      parentPort?.postMessage({ code: 'EVENT', name: 'logferry:stats', args: [m.id, active?.stats() ?? { dropped }] });
    }
  });
  return stream;
}
