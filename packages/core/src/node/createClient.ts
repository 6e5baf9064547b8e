import { LogferryError } from '../errors/logferryError.js';
import { parseOptions, secretsOfOptions, type LogferryOptions, type ResolvedOptions } from '../options/options.js';
import { laneRange } from '../options/laneRange.js';
import type { Client, ClientHooks } from '../pipeline/client.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { emptyStats } from '../pipeline/stats.js';
import { createSink } from '../protocols/createSink.js';
import type { Dispatcher } from 'undici';
import { createHttp } from '../transport/createHttp.js';
import { installExitHooks, installSignalHandlers } from './signals.js';
import { readKeyFiles } from './keyFile.js';
import { DurableSpool } from './durableSpool.js';
import { Spool } from './spool.js';
import { writeErrorLine } from './stderrLine.js';

/** The process hooks a main-thread client installs: flush on beforeExit, spool at exit, and signals when asked. */
function processHooks(options: ResolvedOptions): (client: Client) => () => void {
  return (client) => {
    const off = [installExitHooks(client, options.exitTimeoutMs)];
    if (options.handleSignals) {
      off.push(
        installSignalHandlers({
          flush: () => client.close(),
          timeoutMs: options.exitTimeoutMs,
          logFatal: (error) => client.log({ level: 'fatal', time: Date.now(), msg: 'uncaught exception', err: error }),
        }),
      );
    }
    return () => {
      for (const f of off) f();
    };
  };
}

/** What a client on this thread may be handed that options (plain data, which may cross into a worker) cannot carry. */
export interface NodeClientHooks extends ClientHooks {
  /** An undici Dispatcher to send through (a custom CA, a MockAgent, interceptors); left open at close. */
  dispatcher?: Dispatcher;
}

/** The same as createClient, for options already parsed (entry points parse once at their edge). */
export function createClientFromResolved(resolved: ResolvedOptions, hooks: NodeClientHooks): Client {
  const secrets = secretsOfOptions(resolved);
  const { options, keys } = readKeyFiles(resolved, secrets);
  const counters = emptyStats();
  // One keep-alive connection per lane: a lane has at most one request in flight.
  const lanes = options.sink.type === 'datamix' ? laneRange(options.sink.sessions).max : 1;
  const http = createHttp({ connections: lanes, ...(hooks.dispatcher ? { dispatcher: hooks.dispatcher } : {}) });
  const sink = createSink(options, http, { sessionCreated: () => counters.sessionsCreated++ }, keys);
  const { spool } = options;
  // Before the default mode's Spool: the drain may move that file aside.
  const journal = spool
    ? new DurableSpool({ path: spool.path, maxBytes: spool.maxBytes, bufferBytes: options.buffer.maxBytes, durable: spool.mode === 'durable', restamp: options.sink.type === 'datamix', counters })
    : undefined;
  return new Pipeline(options, hooks, {
    sink,
    counters,
    transport: http,
    secrets,
    ...(spool && journal ? { journal } : {}),
    ...(spool && spool.mode !== 'durable' ? { spool: new Spool(spool.path, spool.maxBytes) } : {}),
    ...(hooks.exitHooks ? { lifecycle: processHooks(options) } : {}),
  });
}

/** createClient's options: logferry's (plain data) plus what only a client on this thread can take. */
export type ClientOptions = LogferryOptions & {
  /** An undici Dispatcher to send through (a custom CA, a MockAgent, interceptors); left open at close. */
  dispatcher?: Dispatcher;
};

/**
 * Creates a client for one destination. Options are validated now: a bad
 * option throws a LogferryError naming the field; nothing fails later for it.
 * Without an `onError` hook, reports go to stderr (never silently nowhere).
 */
export function createClient(options: ClientOptions, hooks: ClientHooks = { exitHooks: true }): Client {
  const { dispatcher, rest } = takeDispatcher(options);
  const withReports: NodeClientHooks = { ...hooks, onError: hooks.onError ?? writeErrorLine };
  return createClientFromResolved(parseOptions(rest), dispatcher ? { ...withReports, dispatcher } : withReports);
}

/** `options.dispatcher`, an object and not an option (the schema is plain data), taken out before options are parsed. */
function takeDispatcher(options: unknown): { dispatcher?: Dispatcher; rest: unknown } {
  if (typeof options !== 'object' || options === null || !('dispatcher' in options)) return { rest: options };
  const { dispatcher, ...rest } = options as { dispatcher?: unknown };
  if (dispatcher === undefined) return { rest };
  if (typeof dispatcher !== 'object' || dispatcher === null || typeof (dispatcher as { dispatch?: unknown }).dispatch !== 'function') {
    throw new LogferryError('LOGFERRY_BAD_OPTION', 'dispatcher: expected an undici Dispatcher (an object with a dispatch() method)');
  }
  return { dispatcher: dispatcher as Dispatcher, rest };
}
