import { LogferryError } from '../errors/logferryError.js';
import { parseOptions, type DatamixSinkOptions, type InitialStateEventsSinkOptions, type InitialStateSinkOptions } from '../options/options.js';
import { createSession } from '../protocols/datamix/session.js';
import { uuidV5 } from '../protocols/initialstate/bucketId.js';
import { createBucket } from '../protocols/initialstate/bucket.js';
import { createEventsBucket } from '../protocols/initialstate/eventsBucket.js';
import { readKeyFiles } from './keyFile.js';
import { ServerClock } from '../record/timeWindow.js';
import { createHttp } from '../transport/createHttp.js';
import type { Http, HttpResponse } from '../transport/http.js';

/** What one credential check found: never the key or a token. */
export interface ProbeResult {
  api: 'datamix' | 'initialstate';
  /** Datamix: the key's destination (`system.application.environment`); Initial State: the bucket. */
  target: string;
  /** Initial State's logging API: the bucket id (stable, derived from the name unless given). */
  bucketId?: string;
  /** Initial State's Events API: the bucket key (stable, derived from the name unless given). */
  bucketKey?: string;
  /** The server's clock minus ours, from its `Date` header (1 s resolution); undefined without one. */
  clockOffsetMs?: number;
  /** The check's request, sent to answered. */
  roundTripMs: number;
}

type Found = Pick<ProbeResult, 'api' | 'target' | 'bucketId' | 'bucketKey'>;

/** Keeps the last answer, for its Date header and timings. */
class ObservedHttp implements Http {
  last: HttpResponse | undefined;
  constructor(private readonly inner: Http) {}
  async post(...args: Parameters<Http['post']>): Promise<HttpResponse> {
    this.last = await this.inner.post(...args);
    return this.last;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Datamix: one session, as the sink opens it. */
async function datamixSession(http: Http, sink: DatamixSinkOptions, timeoutMs: number): Promise<Found> {
  const outcome = await createSession(http, { url: sink.url, apiKey: sink.apiKey, timeoutMs });
  if (outcome.kind !== 'session') throw outcome.error;
  return { api: 'datamix', target: outcome.session.destination };
}

/** Initial State's logging API: the bucket, with the sink's own bucket call. */
async function loggingBucket(http: Http, sink: InitialStateSinkOptions, timeoutMs: number): Promise<Found> {
  const bucketId = sink.bucketId ?? uuidV5(sink.bucketName);
  const request = { apiUrl: sink.apiUrl, clientKey: sink.clientKey, bucketName: sink.bucketName, bucketId };
  const failed = await createBucket((url, body) => http.post(url, body, { timeoutMs }), request);
  if (failed) throw 'error' in failed ? failed.error : new LogferryError('LOGFERRY_HTTP', 'Initial State refused the bucket request');
  return { api: 'initialstate', target: sink.bucketName, bucketId };
}

/** Initial State's Events API: the bucket, with the sink's own bucket call. */
async function eventsBucket(http: Http, sink: InitialStateEventsSinkOptions, timeoutMs: number): Promise<Found> {
  // The options guarantee a key or a name.
  const bucketKey = sink.bucketKey ?? uuidV5(sink.bucketName as string);
  const request = { apiUrl: sink.apiUrl, accessKey: sink.accessKey, bucketKey, ...(sink.bucketName !== undefined ? { bucketName: sink.bucketName } : {}) };
  const failed = await createEventsBucket((url, body, headers) => http.post(url, body, { headers, timeoutMs }), request);
  if (failed) throw 'error' in failed ? failed.error : new LogferryError('LOGFERRY_HTTP', 'Initial State refused the bucket request');
  return { api: 'initialstate', target: sink.bucketName ?? bucketKey, bucketKey };
}

/** The check for the options' API: one function each. */
function check(http: Http, sink: ReturnType<typeof parseOptions>['sink'], timeoutMs: number): Promise<Found> {
  if (sink.type === 'datamix') return datamixSession(http, sink, timeoutMs);
  return sink.api === 'events' ? eventsBucket(http, sink, timeoutMs) : loggingBucket(http, sink, timeoutMs);
}

/**
 * Checks credentials the way the transport will use them: creates a Datamix
 * session or the Initial State bucket, once, with no retry. Throws the
 * transport's own LogferryError (LOGFERRY_AUTH_FAILED for a refused key,
 * LOGFERRY_HTTP, LOGFERRY_PROTOCOL, LOGFERRY_BAD_OPTION).
 */
export async function probe(options: unknown): Promise<ProbeResult> {
  // A key file's key is read as the transport reads it.
  const resolved = readKeyFiles(parseOptions(options)).options;
  const http = new ObservedHttp(createHttp({ connections: 1 }));
  const timeoutMs = resolved.retry.requestTimeoutMs;
  try {
    const found = await check(http, resolved.sink, timeoutMs);
    const result: ProbeResult = { ...found, roundTripMs: 0 };
    const last = http.last;
    if (last) {
      result.roundTripMs = last.receivedAt - last.sentAt;
      if (last.headers.date && !Number.isNaN(Date.parse(last.headers.date))) {
        const clock = new ServerClock();
        clock.observe(last.headers.date, last.sentAt, last.receivedAt);
        result.clockOffsetMs = clock.offset;
      }
    }
    return result;
  } finally {
    await http.close();
  }
}
