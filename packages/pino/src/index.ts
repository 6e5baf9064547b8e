import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { createWorkerStream, installSignalHandlers, writeErrorLine, type LogferryError, type LogferryOptions } from '@logferry/core';
import type { Writable } from 'node:stream';
import { receivePinoConfig } from './pinoConfig.js';

/** The transport's options, for `pino.transport<LogferryOptions>({ target: '@logferry/pino', options })`. */
export type { LogferryOptions } from '@logferry/core';

type ErrorHandler = (error: { code: string; message: string }) => void;

async function loadHandler(path: string | undefined): Promise<ErrorHandler | undefined> {
  if (!path) return undefined;
  try {
    const url = path.startsWith('file:') ? path : isAbsolute(path) || path.startsWith('.') ? pathToFileURL(resolve(path)).href : path;
    const mod = (await import(url)) as { default?: unknown };
    return typeof mod.default === 'function' ? (mod.default as ErrorHandler) : undefined;
  } catch (error) {
    writeErrorLine({ code: 'LOGFERRY_BAD_OPTION', message: `onError: could not load the module "${path}": ${(error as Error).message}` });
    return undefined;
  }
}

/**
 * The pino transport: pino runs this in its worker thread
 * (`pino.transport({ target: '@logferry/pino', options })`). Every rule lives in
 * @logferry/core; this only wires pino's worker to it, with what pino's config
 * handshake says (custom levels, messageKey). Errors go to fd 2, written
 * synchronously (rate-limited by core; a worker's process.stderr would lose
 * them at exit), and to the optional `onError` module.
 */
export default async function logferryTransport(options: Record<string, unknown> = {}): Promise<Writable> {
  const handler = await loadHandler(typeof options.onError === 'string' ? options.onError : undefined);
  const onError = (error: LogferryError): void => {
    writeErrorLine(error);
    try {
      handler?.({ code: error.code, message: error.message });
    } catch {
      // The user's handler must not break the transport.
    }
  };
  if (options.handleSignals === true) {
    writeErrorLine({
      code: 'LOGFERRY_BAD_OPTION',
      message: 'handleSignals: pino runs transports in a worker thread, which gets no signals; call handleSignals(logger) from @logferry/pino on the main thread',
    });
  }
  return createWorkerStream(options, { ...(await receivePinoConfig()), onError });
}

/**
 * pino itself, for the main-thread helpers only: loaded on first use, because
 * this module is also the worker's entry and the worker does not need it.
 */
interface PinoModule {
  transport(options: unknown): unknown;
  symbols: { streamSym: symbol };
}
function loadPino(): PinoModule {
  return createRequire(import.meta.url)('pino') as PinoModule;
}

/** What `pino.transport()` returns, as far as we use it: a pino destination (`pino(createTransport(options))`). */
export interface PinoTransportStream {
  write(msg: string): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/**
 * `pino.transport({ target: '@logferry/pino', options })`, plus what only the
 * main thread can do: an 'error' listener, so that if the worker ever dies the
 * app keeps running (pino would otherwise rethrow the unhandled 'error') and
 * further records are discarded instead of piling up.
 */
export function createTransport(options: LogferryOptions): PinoTransportStream {
  const stream = loadPino().transport({ target: '@logferry/pino', options }) as PinoTransportStream;
  let told = false;
  stream.on('error', (error: Error) => {
    if (told) return;
    told = true;
    writeErrorLine({ code: 'LOGFERRY_WORKER', message: `the logferry worker stopped (${error.message}); further records are dropped` });
  });
  return stream;
}

/** The smallest part of a pino logger that signal handling needs. */
export interface FlushableLogger {
  flush(cb?: (err?: Error) => void): void;
  fatal(obj: unknown, msg?: string): void;
}

interface EndableStream {
  end(): void;
  once(event: 'close', listener: () => void): unknown;
  closed?: boolean;
}

/**
 * pino runs transports in a worker thread, and worker threads get no signals,
 * so `handleSignals` for pino is this call on the main thread. On SIGTERM or
 * SIGINT it ends the logger's transport: the worker delivers what it holds
 * within `exitTimeoutMs`, spools the rest (with `spool.path`), and the signal
 * then ends the process as it would have. On an uncaught exception it logs it
 * at fatal first and exits 1.
 */
export function handleSignals(logger: FlushableLogger, options: { timeoutMs?: number } = {}): () => void {
  const stream = (logger as unknown as Record<symbol, unknown>)[loadPino().symbols.streamSym] as EndableStream | undefined;
  return installSignalHandlers({
    timeoutMs: options.timeoutMs ?? 10_000,
    flush: () =>
      new Promise<void>((done) => {
        if (stream && typeof stream.end === 'function' && !stream.closed) {
          // The worker closes once it has delivered or spooled what it holds. thread-stream's
          // end() usually blocks until then, but returns early if a write is still in flight.
          stream.once('close', () => done());
          stream.end();
        } else {
          logger.flush(() => done());
        }
      }),
    logFatal: (error) => logger.fatal({ err: error }, 'uncaught exception'),
  });
}
