/** Public types of the emulator's Initial State Events API (`/api/buckets`, `/api/events`). Add, don't rename. */

export interface InitialStateEventsOptions {
  /** Access keys the API accepts. Default ['test-access-key']. */
  accessKeys?: string[];
  /** Default 1_048_576: larger /api/events bodies get 413. */
  maxBodyBytes?: number;
  /** Default 10 (Initial State's current plans): more events in one request get 400. */
  maxEventsPerRequest?: number;
  /** Requests per access key per fixed window. Default { limit: 30, windowMs: 10_000 } (3 a second, bursts allowed); false: none. */
  rateLimit?: { limit: number; windowMs: number } | false;
}

export interface InitialStateEventsEvent {
  bucketKey: string;
  key: string;
  value: string | number | boolean;
  /** Epoch seconds: the event's own, or the server's time when it sent none. */
  epoch: number;
  receivedAt: number;
}

export interface InitialStateEventsBucket {
  bucketKey: string;
  /** Absent when the bucket was created without one. */
  bucketName?: string;
  /** Successful POST /api/buckets for this key: 201 for the first, 204 after. */
  creations: number;
  /** Events accepted into this bucket (including those no longer kept in `events`). */
  events: number;
}

export interface InitialStateEventsView {
  buckets: InitialStateEventsBucket[];
  /** Successful POST /api/buckets (201 and 204). */
  bucketCreations: number;
  /** Accepted events, in acceptance order (the newest `maxRecords`). */
  events: InitialStateEventsEvent[];
  /** Accepted events since the start (or the last reset), including those no longer kept in `events`. */
  received: number;
  /** Every Events API request with its final status (0 = no response was sent); the newest `maxRecords`. */
  requests: { path: string; status: number; bytes: number; at: number }[];
  requestsTotal: number;
  /** The kept events of one bucket, in order. */
  eventsIn(bucketKey: string): InitialStateEventsEvent[];
}
