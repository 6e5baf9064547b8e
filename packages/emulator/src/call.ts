import type { IncomingHttpHeaders } from 'node:http';
import type { BodyRead } from './body.js';

/** One API request as a handler sees it: the body is already read (bounded), the fault already decided. */
export interface ApiCall {
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Exclude<BodyRead, { kind: 'aborted' }>;
  /** Resolves when processing may start: a `delayNext` fault waits here. Handlers call it where work begins. */
  beforeProcessing(): Promise<void>;
}
