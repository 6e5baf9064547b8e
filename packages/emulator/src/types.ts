import type { DatamixOrigin } from './cors.js';
/** Public types of the emulator. Other packages code against these names: add, don't rename. */
import type { InitialStateEventsOptions, InitialStateEventsView } from './initialStateEventsTypes.js';

export interface DatamixDestinationParts {
  system: string;
  application: string;
  environment: string;
}

export interface EmulatorOptions {
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  datamix?: {
    /** API key -> destination parts. Default: { 'test-key': { system: 'test', application: 'app', environment: 'dev' } } */
    keys?: Record<string, DatamixDestinationParts>;
    /** Default 3_600_000. */
    sessionTtlMs?: number;
    /** Default 600_000 (10 minutes). */
    pastWindowMs?: number;
    /** Default 10_000. */
    futureWindowMs?: number;
    /**
     * Per-session throughput cap: a logs request is answered no sooner than
     * its body's bytes take at this rate (Datamix documents about 5 MB/s a
     * session). Default 0: no cap.
     */
    sessionBytesPerSec?: number;
  };
  initialState?: {
    /** Default ['test-client-key']. */
    clientKeys?: string[];
    /** Default 1_048_576: larger /batch_logs bodies get 413. */
    maxBodyBytes?: number;
  };
  /** Initial State's Events API (`/api/buckets`, `/api/events`). */
  initialStateEvents?: InitialStateEventsOptions;
  /** The server's clock = Date.now() + clockOffsetMs (time windows and the Date response header). */
  clockOffsetMs?: number;
  /** Hard cap for any body, default 16 MiB -> 413. */
  maxBodyBytes?: number;
  /**
   * How many entries each list keeps (Datamix records, rejections and requests,
   * Initial State events and requests): the newest. Default 100_000; 0 keeps
   * none. `datamix.received` and `initialState.received` count every accepted
   * one regardless.
   */
  maxRecords?: number;
}

export interface DatamixRecord {
  destination: string;
  sessionId: string;
  level: string;
  timestamp: number;
  message: string;
  receivedAt: number;
}

export interface InitialStateEvent {
  b: string;
  sn: string;
  v: string | number | boolean;
  e: number;
  tid: string;
  receivedAt: number;
}

export type ApiName = 'datamix' | 'initialstate' | 'initialstate-events';

export interface Violation {
  api: ApiName;
  rule: string;
  detail: string;
  at: number;
}

export type ApiPath = 'sessions' | 'logs' | 'buckets' | 'batch_logs' | 'api/buckets' | 'api/events';

/** Which requests a fault applies to; `path` omitted = any API path. */
export interface FaultMatch {
  path?: ApiPath;
}

export interface DatamixRejection {
  index: number;
  message: string;
  level: unknown;
  timestamp: unknown;
}

export interface DatamixSessionInfo {
  id: string;
  destination: string;
  createdAt: number;
  expiresAt: number;
  requests: number;
}

export interface DatamixView {
  /** Accepted messages, in acceptance order (the newest `maxRecords`). */
  records: DatamixRecord[];
  /** Accepted messages since the start (or the last reset), including those no longer kept in `records`. */
  received: number;
  /** Refused messages, in order (the newest `maxRecords`). */
  rejected: DatamixRejection[];
  /** Refused messages since the start (or the last reset), including those no longer kept in `rejected`. */
  rejectedTotal: number;
  sessions: DatamixSessionInfo[];
  /** Successful POST /sessions. */
  sessionCreations: number;
  /** Every datamix request with its final status (0 = no response was sent); the newest `maxRecords`. */
  requests: { path: string; status: number }[];
  /** Datamix requests since the start (or the last reset), including those no longer kept in `requests`. */
  requestsTotal: number;
  /** The most sessions that had a logs request under way at one time (since the start or the last reset). */
  busySessionsPeak: number;
}

export interface InitialStateBucketInfo {
  bucketId: string;
  bucketName: string;
  creations: number;
}

export interface InitialStateView {
  buckets: InitialStateBucketInfo[];
  /** Successful POST /api/v1/buckets. */
  bucketCreations: number;
  /** Accepted events, in acceptance order (the newest `maxRecords`). */
  events: InitialStateEvent[];
  /** Accepted events since the start (or the last reset), including those no longer kept in `events`. */
  received: number;
  /** Every Initial State request with its final status (0 = no response was sent); the newest `maxRecords`. */
  requests: { path: string; status: number; bytes: number; at: number }[];
  /** Initial State requests since the start (or the last reset), including those no longer kept in `requests`. */
  requestsTotal: number;
}

export interface InjectedFault {
  kind: string;
  path: string;
}

export interface FailOptions extends FaultMatch {
  status: number;
  retryAfter?: string;
  body?: unknown;
}

export interface ResetOptions extends FaultMatch {
  when?: 'before' | 'after';
}

export interface FailRateOptions extends FaultMatch {
  status: number;
  retryAfter?: string;
  seed?: number;
}

export interface EmulatorFaults {
  /** Respond with that status WITHOUT processing. */
  failNext(count: number, opts: FailOptions): void;
  /** 'before' (default): destroy the socket unprocessed. 'after': process fully, then destroy the socket instead of responding. */
  resetNext(count: number, opts?: ResetOptions): void;
  /** Process normally but wait ms before processing. */
  delayNext(count: number, ms: number, opts?: FaultMatch): void;
  /** Never respond and never process; forgotten when the client closes the socket. */
  hangNext(count: number, opts?: FaultMatch): void;
  /** For ms (no ms: until `down(0)` or `clear()`), every API request's socket is destroyed immediately (outage). */
  down(ms?: number): void;
  /** Each matching request fails with probability rate (seeded PRNG, deterministic), unprocessed. */
  failRate(rate: number, opts: FailRateOptions): void;
  /** POST /sessions requests hang (no response) for the next ms (no ms: until `hangSessions(0)` or `clear()`), then behave normally again. */
  hangSessions(ms?: number): void;
  /** Initial State's Events API accepts `events` more events, then answers 402 (the account's quota for the cycle is spent); a request that would pass it is refused whole. */
  quota(events: number): void;
  /** TTL of sessions created from now on. */
  setSessionTtl(ms: number): void;
  /**
   * Key rotation: from now on (until `clear()`), `key` is refused as a revoked
   * key is: Datamix POST /sessions answers 401 and logs requests on sessions
   * created with it answer 401; Initial State requests with it as the client
   * key answer 401. Other configured keys keep working. Not a violation: the
   * client did nothing wrong.
   */
  refuseKey(key: string): void;
  /** Remove every fault. */
  clear(): void;
  /** Every fault actually applied. */
  injected: InjectedFault[];
}

export interface Emulator {
  /** 'http://127.0.0.1:PORT' */
  url: string;
  port: number;
  /** Closes the server and destroys open sockets (hung requests included); never hangs. */
  close(): Promise<void>;
  datamix: DatamixView;
  initialState: InitialStateView;
  initialStateEvents: InitialStateEventsView;
  /** Protocol violations, in order (the newest `maxRecords`). */
  violations: Violation[];
  /** Violations since the start (or the last reset), including those no longer kept in `violations`. */
  readonly violationsTotal: number;
  faults: EmulatorFaults;
  /** CORS on the Datamix routes: each request's Origin, and whether `Date` is exposed to pages. */
  cors: { readonly origins: DatamixOrigin[]; exposeDate: boolean };
  /** Poll (every 10 ms) until predicate() is true; reject with a descriptive Error after timeoutMs (default 30000). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Clear records, events, violations, requests and faults (keys, sessions and buckets stay). */
  reset(): void;
}
