import { proxyEnvironment } from './defaultDispatcher.js';
import type { Http } from './http.js';
import { NodeHttp } from './nodeHttp.js';
import { UndiciHttp, type HttpOptions } from './undiciHttp.js';

/**
 * The HTTP client for one pipeline: undici when it brings something, a user's
 * dispatcher or a proxy from HTTPS_PROXY / HTTP_PROXY (with NO_PROXY);
 * otherwise node:http, which starts for a fraction of undici's cost and
 * follows the server's Keep-Alive hint too.
 */
export function createHttp(options: HttpOptions = {}): Http {
  if (options.dispatcher || proxyEnvironment(process.env)) return new UndiciHttp(options);
  return new NodeHttp(options.connections);
}
