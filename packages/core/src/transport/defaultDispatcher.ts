// The declarations must follow this file into every program that compiles it (the tests include no src/*.d.ts).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./undiciModules.d.ts" />
import type { Dispatcher } from 'undici';

interface ProxyEnvironment {
  /** '' for none: undefined would send the agent back to process.env. */
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/** The proxy variables, lower case first as undici and curl read them; undefined when none is set. */
export function proxyEnvironment(env: NodeJS.ProcessEnv): ProxyEnvironment | undefined {
  const httpProxy = env.http_proxy || env.HTTP_PROXY || '';
  const httpsProxy = env.https_proxy || env.HTTPS_PROXY || '';
  if (!httpProxy && !httpsProxy) return undefined;
  return { httpProxy, httpsProxy, noProxy: env.no_proxy ?? env.NO_PROXY ?? '' };
}

/**
 * Our own dispatcher: undici's EnvHttpProxyAgent when a proxy variable is
 * set (it honours NO_PROXY too), else a plain Agent. Without a proxy
 * variable the two send every request the same way, but the proxy agent
 * loads its module and parses each request's origin into a URL to test
 * NO_PROXY; the plain Agent does neither. The variables are read once,
 * when the client is made, as EnvHttpProxyAgent itself reads them.
 *
 * Loaded with a dynamic import, on the first client rather than with the
 * module: a thread that imports core but never sends (pino's and winston's
 * main-thread helpers) does not evaluate undici at all.
 *
 * Only `connections` is set: undici's keep-alive defaults follow the
 * server's `Keep-Alive: timeout=` hint (less a margin), so a socket is not
 * reused after the server closed it; idle sockets are unref'd by undici.
 */
export async function defaultDispatcher(connections: number | undefined): Promise<Dispatcher> {
  const options = connections === undefined ? {} : { connections };
  // Read now, when the client is made, not after the import: the agent would read process.env later.
  const proxy = proxyEnvironment(process.env);
  if (proxy) {
    const { default: EnvHttpProxyAgent } = await import('undici/lib/dispatcher/env-http-proxy-agent.js');
    return new EnvHttpProxyAgent({ ...options, ...proxy });
  }
  const { default: Agent } = await import('undici/lib/dispatcher/agent.js');
  return new Agent(options);
}
