import { parseOptions, secretsOfOptions, type ResolvedOptions } from '../options/options.js';
import type { Client, ClientHooks } from '../pipeline/client.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { emptyStats } from '../pipeline/stats.js';
import { createSink } from '../protocols/createSink.js';
import { HttpClient } from '../transport/nodeHttp.js';
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

/** The same as createClient, for options already parsed (entry points parse once at their edge). */
export function createClientFromResolved(options: ResolvedOptions, hooks: ClientHooks): Client {
  const counters = emptyStats();
  const http = new HttpClient();
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
  return createClientFromResolved(parseOptions(options), hooks);
}
