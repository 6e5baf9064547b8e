import { LogferryError } from '../errors/logferryError.js';
import { parseOptions, secretsOfOptions, type ResolvedOptions } from '../options/options.js';
import { laneRange } from '../options/sessions.js';
import type { Client, ClientHooks } from '../pipeline/client.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { emptyStats } from '../pipeline/stats.js';
import { createSink } from '../protocols/createSink.js';
import type { Dispatcher } from 'undici';
import { createHttp } from '../transport/createHttp.js';
import { installExitHooks, installSignalHandlers } from './signals.js';
import { Spool } from './spool.js';

/** The process hooks a main-thread client installs: flush on beforeExit, spool at exit, and signals when asked. */
function processHooks(options: ResolvedOptions): (client: Client) => () => void {
  return (client) => {
    const off = [installExitHooks(() => client.flush(), () => client.closeSync())];
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
export function createClientFromResolved(options: ResolvedOptions, hooks: NodeClientHooks): Client {
  const counters = emptyStats();
  // One keep-alive connection per lane: a lane has at most one request in flight.
  const lanes = options.sink.type === 'datamix' ? laneRange(options.sink.sessions).max : 1;
  const http = createHttp({ connections: lanes, ...(hooks.dispatcher ? { dispatcher: hooks.dispatcher } : {}) });
  const sink = createSink(options, http, { sessionCreated: () => counters.sessionsCreated++ });
  return new Pipeline(options, hooks, {
    sink,
    counters,
    transport: http,
    secrets: secretsOfOptions(options),
    ...(options.spool ? { spool: new Spool(options.spool.path, options.spool.maxBytes) } : {}),
    ...(hooks.exitHooks ? { lifecycle: processHooks(options) } : {}),
  });
}

/**
 * Creates a client for one destination. Options are validated now: a bad
 * option throws a LogferryError naming the field; nothing fails later for it.
 */
export function createClient(options: unknown, hooks: ClientHooks = { exitHooks: true }): Client {
  const { dispatcher, rest } = takeDispatcher(options);
  return createClientFromResolved(parseOptions(rest), dispatcher ? { ...hooks, dispatcher } : hooks);
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
