import { acceptsVersion } from './acceptVersion.js';
import { isJsonContentType, isPlainObject, parseJson } from './body.js';
import type { ApiCall } from './call.js';
import type { Clock } from './clock.js';
import { describeValue } from './describeValue.js';
import { epochProblem } from './epoch.js';
import type { EventQuota } from './eventQuota.js';
import type { InitialStateEventsBucket, InitialStateEventsEvent, InitialStateEventsView } from './initialStateEventsTypes.js';
import { keepNewest } from './keepNewest.js';
import type { ResolvedEventsOptions } from './initialStateEventsOptions.js';
import { RateLimiter } from './rateLimit.js';
import { jsonReply, type Reply } from './reply.js';
import type { ViolationLog } from './violations.js';

/** The versions the API speaks (its GET /api/versions). */
export const EVENTS_API_VERSIONS = ['0.0.1'] as const;
const MAX_NAME = 250;
const MAX_KEY = 100;
const MAX_STRING_VALUE = 2000;
const ILLEGAL_BUCKET_KEY = /[:"']/;
const EVENT_FIELDS = new Set(['key', 'value', 'epoch', 'iso8601']);
const API = 'initialstate-events';

function header(call: ApiCall, name: string): string | undefined {
  const value = call.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** How the Events API words a refused request (its own client reads `message.error.type`). */
function apiError(status: number, type: string, message: string, headers?: Record<string, string>): Reply {
  return jsonReply(status, { message: { error: { type, message } } }, headers);
}

/**
 * Initial State's Events API, strictly: `Accept-Version`, access keys (401
 * without one, 403 `ACCESS_DENIED_KEY` for an unknown one), buckets before
 * events, at most 10 events and 1 MB a request, the rate limit with its
 * headers, and the `quota(n)` fault's 402.
 */
export class InitialStateEventsService {
  readonly view: InitialStateEventsView = {
    buckets: [],
    bucketCreations: 0,
    events: [],
    received: 0,
    requests: [],
    requestsTotal: 0,
    eventsIn: (bucketKey) => this.view.events.filter((e) => e.bucketKey === bucketKey),
  };
  /** accessKey -> bucketKey -> bucket. Bucket keys are unique per access key. */
  private readonly buckets = new Map<string, Map<string, InitialStateEventsBucket>>();
  private readonly limiter: RateLimiter;
  /** Keys the refuseKey fault revoked (a rotation test): refused as a revoked key is. */
  refusedKeys: ReadonlySet<string> = new Set();

  constructor(
    private readonly options: ResolvedEventsOptions,
    private readonly clock: Clock,
    private readonly violations: ViolationLog,
    private readonly quota: EventQuota,
  ) {
    this.limiter = new RateLimiter(options.rateLimit, clock);
  }

  /** Clears what was recorded; access keys and buckets stay (their counts restart). */
  reset(): void {
    this.view.events.length = 0;
    this.view.received = 0;
    this.view.requests.length = 0;
    this.view.requestsTotal = 0;
    this.view.bucketCreations = 0;
    for (const bucket of this.view.buckets) bucket.events = 0;
  }

  recordRequest(path: string, status: number, bytes: number, at: number): void {
    this.view.requests.push({ path, status, bytes, at });
    this.view.requestsTotal += 1;
    keepNewest(this.view.requests, this.options.maxRecords);
  }

  versions(): Reply {
    return jsonReply(200, [...EVENTS_API_VERSIONS]);
  }

  async createBucket(call: ApiCall): Promise<Reply> {
    await call.beforeProcessing();
    const gate = this.gate(call, 'POST /api/buckets');
    if (gate.reply) return gate.reply;
    const { accessKey, headers } = gate;
    const body = this.jsonBody(call, headers);
    if (body.reply) return body.reply;
    const value = body.value;
    if (!isPlainObject(value)) return this.reject('bad-body', 'body must be a JSON object {bucketKey, bucketName?}', headers);
    const { bucketKey, bucketName } = value;
    if (typeof bucketKey !== 'string' || bucketKey === '' || bucketKey.length > MAX_NAME || ILLEGAL_BUCKET_KEY.test(bucketKey)) {
      return this.reject('bad-bucket-key', `bucketKey must be a string of 1..${MAX_NAME} characters without : " or ', got ${describeValue(bucketKey)}`, headers);
    }
    if (bucketName !== undefined && (typeof bucketName !== 'string' || bucketName.length > MAX_NAME)) {
      return this.reject('bad-bucket-name', `bucketName must be a string of at most ${MAX_NAME} characters, got ${describeValue(bucketName)}`, headers);
    }
    let owned = this.buckets.get(accessKey);
    if (owned === undefined) {
      owned = new Map();
      this.buckets.set(accessKey, owned);
    }
    this.view.bucketCreations += 1;
    const existing = owned.get(bucketKey);
    if (existing !== undefined) {
      existing.creations += 1;
      return { status: 204, headers };
    }
    const bucket: InitialStateEventsBucket = { bucketKey, creations: 1, events: 0 };
    if (typeof bucketName === 'string') bucket.bucketName = bucketName;
    owned.set(bucketKey, bucket);
    this.view.buckets.push(bucket);
    return jsonReply(201, { bucketKey, bucketName: bucket.bucketName ?? null }, headers);
  }

  async postEvents(call: ApiCall): Promise<Reply> {
    await call.beforeProcessing();
    const gate = this.gate(call, 'POST /api/events');
    if (gate.reply) return gate.reply;
    const { accessKey, headers } = gate;
    const bucketKey = header(call, 'x-is-bucketkey');
    if (bucketKey === undefined || bucketKey === '') return this.reject('missing-bucket-key', 'POST /api/events needs an X-IS-BucketKey header', headers);
    const bucket = this.buckets.get(accessKey)?.get(bucketKey);
    if (bucket === undefined) {
      this.violations.add(API, 'unknown-bucket', `POST /api/events for bucket ${describeValue(bucketKey)}, not created with POST /api/buckets for this access key`);
      return apiError(400, 'BUCKET_NOT_FOUND', 'create the bucket with POST /api/buckets first', headers);
    }
    const body = this.jsonBody(call, headers);
    if (body.reply) return body.reply;
    // One event may come as the body itself, or any number in an array.
    const events: unknown[] = Array.isArray(body.value) ? body.value : [body.value];
    if (events.length === 0) {
      this.violations.add(API, 'empty-batch', 'POST /api/events with an empty array');
      return { status: 204, headers };
    }
    if (events.length > this.options.maxEventsPerRequest) {
      return this.reject('too-many-events', `${events.length} events in one request; the limit is ${this.options.maxEventsPerRequest}`, headers);
    }
    const now = this.clock();
    const accepted: InitialStateEventsEvent[] = [];
    const problems: string[] = [];
    events.forEach((event, index) => {
      const checked = this.checkEvent(event, `event ${index}`, bucketKey, now);
      if (typeof checked === 'string') problems.push(checked);
      else accepted.push(checked);
    });
    if (problems.length > 0) {
      for (const problem of problems) this.violations.add(API, 'bad-event', problem);
      return apiError(400, 'INVALID_EVENT', `${problems.length} invalid event(s); first: ${problems[0] ?? ''}`, headers);
    }
    if (!this.quota.admit(accepted.length)) return jsonReply(402, { message: 'Event limit exceeded for current cycle...' }, headers);
    for (const event of accepted) this.view.events.push(event);
    this.view.received += accepted.length;
    bucket.events += accepted.length;
    keepNewest(this.view.events, this.options.maxRecords);
    return { status: 204, headers };
  }

  /** The checks every request passes first: the version asked for, the access key, the rate limit. */
  private gate(call: ApiCall, where: string): { reply: Reply; accessKey?: undefined; headers?: undefined } | { reply?: undefined; accessKey: string; headers: Record<string, string> } {
    const version = header(call, 'accept-version');
    if (version === undefined) {
      // The API then assumes its latest version, so the request goes on; the documented requests all send one.
      this.violations.add(API, 'missing-accept-version', `${where} without an Accept-Version header (send Accept-Version: ~0)`);
    } else if (!acceptsVersion(version, EVENTS_API_VERSIONS)) {
      this.violations.add(API, 'bad-accept-version', `${where} with Accept-Version ${describeValue(version)}, which no supported version (${EVENTS_API_VERSIONS.join(', ')}) satisfies`);
      return { reply: apiError(400, 'INVALID_VERSION', `no supported version satisfies ${version}`) };
    }
    const accessKey = header(call, 'x-is-accesskey');
    if (accessKey === undefined || accessKey === '') return { reply: apiError(401, 'UNAUTHORIZED', 'missing X-IS-AccessKey header') };
    if (!this.options.accessKeys.has(accessKey)) {
      this.violations.add(API, 'bad-access-key', `${where} with an unknown X-IS-AccessKey`);
      return { reply: jsonReply(403, 'ACCESS_DENIED_KEY') };
    }
    if (this.refusedKeys.has(accessKey)) return { reply: apiError(401, 'UNAUTHORIZED', 'access key revoked') };
    const rate = this.limiter.take(accessKey);
    if (!rate.allowed) return { reply: apiError(429, 'TOO_MANY_REQUESTS', 'rate limit exceeded; see Retry-After', rate.headers) };
    return { accessKey, headers: rate.headers };
  }

  private jsonBody(call: ApiCall, headers: Record<string, string>): { reply: Reply; value?: undefined } | { reply?: undefined; value: unknown } {
    const contentType = header(call, 'content-type');
    if (!isJsonContentType(contentType)) {
      this.violations.add(API, 'content-type', `Content-Type must be application/json, got ${describeValue(contentType ?? null)}`);
      return { reply: apiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json', headers) };
    }
    // A server limit, not a protocol rule: the client is expected to send less, so no violation.
    if (call.body.kind === 'too-large') return { reply: apiError(413, 'PAYLOAD_TOO_LARGE', `body over ${this.options.maxBodyBytes} bytes`, headers) };
    const parsed = parseJson(call.body.buffer);
    if (parsed.kind !== 'json') return { reply: this.reject('bad-body', parsed.kind === 'empty' ? 'empty body' : parsed.reason, headers) };
    return { value: parsed.value };
  }

  /** The event as recorded, or what is wrong with it. */
  private checkEvent(event: unknown, at: string, bucketKey: string, now: number): InitialStateEventsEvent | string {
    if (!isPlainObject(event)) return `${at}: must be an object {key, value, epoch?}`;
    const unknown = Object.keys(event).filter((name) => !EVENT_FIELDS.has(name));
    if (unknown.length > 0) return `${at}: unknown field(s) ${unknown.map((n) => JSON.stringify(n)).join(', ')}; an event has key, value and epoch or iso8601`;
    const { key, value, epoch, iso8601 } = event;
    if (typeof key !== 'string' || key === '' || key.length > MAX_KEY) return `${at}: key must be a string of 1..${MAX_KEY} characters, got ${describeValue(key)}`;
    const scalar = typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length <= MAX_STRING_VALUE);
    if (!scalar) return `${at}: value must be a boolean, a finite number or a string of at most ${MAX_STRING_VALUE} characters, got ${describeValue(value)}`;
    let seconds = now / 1000;
    if (epoch !== undefined) {
      const problem = epochProblem(epoch, now, 'epoch');
      if (problem !== undefined) return `${at}: ${problem}`;
      seconds = epoch as number;
    } else if (iso8601 !== undefined) {
      const ms = typeof iso8601 === 'string' ? Date.parse(iso8601) : NaN;
      if (Number.isNaN(ms)) return `${at}: iso8601 must be an ISO-8601 time, got ${describeValue(iso8601)}`;
      seconds = ms / 1000;
    }
    return { bucketKey, key, value: value as string | number | boolean, epoch: seconds, receivedAt: now };
  }

  private reject(rule: string, detail: string, headers?: Record<string, string>): Reply {
    this.violations.add(API, rule, detail);
    return apiError(400, rule.toUpperCase().replace(/-/g, '_'), detail, headers);
  }
}
