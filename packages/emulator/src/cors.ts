import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from './clock.js';
import type { ViolationLog } from './violations.js';

/** One request to a Datamix route as CORS sees it: where it came from (the `Origin` header; undefined from a server). */
export interface DatamixOrigin {
  method: string;
  path: string;
  origin: string | undefined;
  at: number;
}

const DATAMIX_PATH = /^\/(sessions|destinations\/[^/]+\/logs)$/;

/**
 * Datamix is a browser-facing API ("Client Logging"): its routes answer CORS
 * (preflight and the headers on every answer), `Date` exposed so a page can
 * read the server's clock, unless a test turns that off. Each request's
 * `Origin` is recorded, and an API key sent from a page is a violation: the
 * key must never reach a browser.
 */
export class DatamixCors {
  readonly origins: DatamixOrigin[] = [];
  /** Whether answers list `Date` in Access-Control-Expose-Headers (a page can read it only then). */
  exposeDate = true;

  constructor(
    private readonly clock: Clock,
    private readonly violations: ViolationLog,
    private readonly max: number,
  ) {}

  /**
   * Called first for every request: on a Datamix route it records the origin
   * and sets the CORS headers; true when it answered the request itself (a preflight).
   */
  intercept(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    const match = DATAMIX_PATH.exec(pathname);
    if (!match) return false;
    const method = req.method ?? '';
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    this.origins.push({ method, path: pathname, origin, at: this.clock() });
    if (this.origins.length > this.max) this.origins.splice(0, this.origins.length - this.max);
    res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', this.exposeDate ? 'Date, Retry-After' : 'Retry-After');
    if (method === 'OPTIONS') {
      req.resume();
      res.statusCode = 204;
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.end();
      return true;
    }
    if (origin !== undefined && match[1] === 'sessions') {
      // Only a browser sends Origin: an API key from a page has left the server.
      this.violations.add('datamix', 'key-from-browser', `POST /sessions (with an API key) from the browser origin ${JSON.stringify(origin)}: keys must stay server-side`);
    }
    return false;
  }

  clear(): void {
    this.origins.length = 0;
  }
}
