import { parentPort } from 'node:worker_threads';
import build from 'pino-abstract-transport';
import type { Transform } from 'node:stream';
import { createClientFromResolved, type Client } from './client.js';
import { LogferryError } from './errors.js';
import { LevelMap, type DatamixLevel, type LevelMapOptions } from './levels.js';
import { parseOptions, type ResolvedOptions } from './options.js';

export interface WorkerStreamSetup {
  /** pino: wait for pino's level config (custom levels, messageKey). */
  expectPinoConfig: boolean;
  /** winston: its level set (lower number is more severe). */
  winstonLevels?: Record<string, number>;
  /** Receives error reports in the worker (pino: stderr; winston: posted to the main thread). */
  onError: (error: LogferryError) => void;
}

/** pino-abstract-transport would JSON.parse every line; we only need the line. */
const KEEP_LINE = Object.freeze({});

function overridesOf(options: ResolvedOptions): { overrides: Record<string, DatamixLevel>; custom: Record<string, number> } {
  const overrides: Record<string, DatamixLevel> = {};
  const custom: Record<string, number> = {};
  for (const [name, value] of Object.entries(options.levels ?? {})) {
    if (typeof value === 'number') custom[name] = value;
    else overrides[name] = value;
  }
  return { overrides, custom };
}

function waitDrained(stream: Transform): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (stream.writableLength === 0 && stream.readableLength === 0) resolve();
      else setImmediate(check);
    };
    check();
  });
}

/**
 * The destination a worker thread hands to thread-stream: lines in, the core
 * pipeline behind. `flush()` resolves once every line written before it is
 * delivered (thread-stream forwards `logger.flush(cb)` here); ending the stream
 * closes the client within its exit deadline, so pino's exit wait covers it.
 * Bad options never throw here (that would crash the host app through an
 * unhandled 'error'): they are reported once and the records are counted as dropped.
 */
export async function createWorkerStream(rawOptions: unknown, setup: WorkerStreamSetup): Promise<Transform> {
  let options: ResolvedOptions | undefined;
  try {
    options = parseOptions(rawOptions);
  } catch (error) {
    setup.onError(error instanceof LogferryError ? error : new LogferryError('LOGFERRY_BAD_OPTION', String(error)));
  }
  let client: Client | undefined;
  let dropped = 0;

  const stream = (await build(
    (source) => {
      if (!options) {
        source.on('data', () => {
          dropped++;
        });
        return;
      }
      const { overrides, custom } = overridesOf(options);
      const pinoConfig = source as unknown as { levels?: { values?: Record<string, number> }; messageKey?: string };
      const levelOptions: LevelMapOptions = { overrides };
      if (setup.winstonLevels) levelOptions.winstonLevels = setup.winstonLevels;
      else levelOptions.pinoLevels = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, ...pinoConfig.levels?.values, ...custom };
      const hooks = { levels: new LevelMap(levelOptions), onError: setup.onError, exitHooks: false, messageKey: pinoConfig.messageKey ?? (setup.winstonLevels ? 'message' : 'msg') };
      const active = createClientFromResolved(options, hooks);
      client = active;
      source.on('data', (line: string) => {
        try {
          active.logLine(line);
        } catch (error) {
          // A bug must cost one record, not the worker (its death would reach the host app).
          setup.onError(new LogferryError('LOGFERRY_WORKER', `could not process a log line: ${(error as Error).message}`));
        }
      });
    },
    {
      parse: 'lines',
      parseLine: () => KEEP_LINE,
      metadata: false,
      expectPinoConfig: setup.expectPinoConfig,
      close: async () => {
        await client?.close();
      },
    },
  )) as Transform & { flush?: (cb: (err?: Error | null) => void) => void; stats?: () => unknown };

  stream.flush = (cb) => {
    waitDrained(stream)
      .then(() => client?.flush())
      .then(() => cb(), (err: Error) => cb(err));
  };
  stream.stats = () => client?.stats() ?? { dropped };
  // Requests from the main thread for stats (winston exposes them).
  parentPort?.on('message', (msg: unknown) => {
    const m = msg as { code?: string; id?: number } | null;
    if (m?.code === 'LOGFERRY_STATS') {
      parentPort?.postMessage({ code: 'EVENT', name: 'logferry:stats', args: [m.id, client?.stats() ?? { dropped }] });
    }
  });
  return stream;
}
