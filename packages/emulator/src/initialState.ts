import { isJsonContentType, isPlainObject, parseJson } from './body.js';
import type { ApiCall } from './call.js';
import type { Clock } from './clock.js';
import { describeValue } from './describeValue.js';
import { epochProblem } from './epoch.js';
import type { ResolvedOptions } from './options.js';
import { emptyReply, errorReply, type Reply } from './reply.js';
import { keepNewest } from './keepNewest.js';
import type { InitialStateBucketInfo, InitialStateEvent, InitialStateView } from './types.js';
import type { ViolationLog } from './violations.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BUCKET_NAME = 200;
const MAX_SIGNAL_NAME = 100;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

interface Problem {
  rule: string;
  detail: string;
}

/** The Initial State protocol: bucket registration and strictly validated batch_logs. */
export class InitialStateService {
  readonly view: InitialStateView = { buckets: [], bucketCreations: 0, events: [], received: 0, requests: [], requestsTotal: 0 };
  /** clientKey -> lower-cased bucketId -> bucket. Buckets belong to the key that registered them. */
  private readonly buckets = new Map<string, Map<string, InitialStateBucketInfo>>();
  /** Client keys refused as revoked (faults.refuseKey). */
  refusedKeys: ReadonlySet<string> = new Set();

  constructor(
    private readonly options: ResolvedOptions['initialState'],
    private readonly clock: Clock,
    private readonly violations: ViolationLog,
  ) {}

  /** Clears what was recorded; registered buckets stay. */
  reset(): void {
    this.view.events.length = 0;
    this.view.received = 0;
    this.view.requests.length = 0;
    this.view.requestsTotal = 0;
    this.view.bucketCreations = 0;
  }

  /** Every request with its final status (0 = no response was sent), its size and when it came. */
  recordRequest(path: string, status: number, bytes: number, at: number): void {
    this.view.requests.push({ path, status, bytes, at });
    this.view.requestsTotal += 1;
    keepNewest(this.view.requests, this.options.maxRecords);
  }

  async createBucket(call: ApiCall): Promise<Reply> {
    await call.beforeProcessing();
    const notJson = this.checkContentType(call);
    if (notJson !== undefined) return notJson;
    if (call.body.kind === 'too-large') return errorReply(413, 'request body too large');
    const parsed = parseJson(call.body.buffer);
    if (parsed.kind !== 'json') return this.badBody(parsed.kind === 'empty' ? 'empty body' : parsed.reason);
    const body = parsed.value;
    if (!isPlainObject(body)) return this.badBody('body must be a JSON object {bucketId, bucketName, clientKey}');

    const { bucketId, bucketName, clientKey } = body;
    if (typeof clientKey !== 'string' || clientKey === '') return errorReply(403, 'missing clientKey');
    if (!this.options.clientKeys.has(clientKey)) {
      this.violations.add('initialstate', 'bad-client-key', 'POST /api/v1/buckets with an unknown clientKey');
      return errorReply(401, 'invalid clientKey');
    }
    if (this.refusedKeys.has(clientKey)) return errorReply(401, 'clientKey revoked');
    if (!isGuid(bucketId)) return this.reject('bad-guid', `bucketId must be a GUID (8-4-4-4-12 hex), got ${describeValue(bucketId)}`);
    if (typeof bucketName !== 'string' || bucketName === '' || bucketName.length > MAX_BUCKET_NAME) {
      return this.reject('bad-bucket-name', `bucketName must be a string of 1..${MAX_BUCKET_NAME} characters, got ${describeValue(bucketName)}`);
    }

    let owned = this.buckets.get(clientKey);
    if (owned === undefined) {
      owned = new Map();
      this.buckets.set(clientKey, owned);
    }
    const existing = owned.get(bucketId.toLowerCase());
    if (existing !== undefined && existing.bucketName !== bucketName) {
      return this.reject('bucket-name-mismatch', `bucket ${bucketId} is registered as ${describeValue(existing.bucketName)}, not ${describeValue(bucketName)}`);
    }
    if (existing !== undefined) {
      existing.creations += 1;
    } else {
      const bucket: InitialStateBucketInfo = { bucketId, bucketName, creations: 1 };
      owned.set(bucketId.toLowerCase(), bucket);
      this.view.buckets.push(bucket);
    }
    this.view.bucketCreations += 1;
    return emptyReply(204);
  }

  async batchLogs(call: ApiCall): Promise<Reply> {
    await call.beforeProcessing();
    const header = call.headers['x-is-clientkey'];
    const clientKey = Array.isArray(header) ? header[0] : header;
    if (clientKey === undefined || clientKey === '') return errorReply(403, 'missing X-IS-ClientKey header');
    if (!this.options.clientKeys.has(clientKey)) {
      this.violations.add('initialstate', 'bad-client-key', 'POST /batch_logs with an unknown X-IS-ClientKey');
      return errorReply(403, 'invalid X-IS-ClientKey');
    }
    if (this.refusedKeys.has(clientKey)) return errorReply(401, 'X-IS-ClientKey revoked');
    const notJson = this.checkContentType(call);
    if (notJson !== undefined) return notJson;
    // A server limit, not a protocol rule: the client is expected to split and retry, so no violation.
    if (call.body.kind === 'too-large') return errorReply(413, `request body too large (limit ${this.options.maxBodyBytes} bytes)`);
    const parsed = parseJson(call.body.buffer);
    if (parsed.kind !== 'json') return this.badBody(parsed.kind === 'empty' ? 'empty body' : parsed.reason);
    const events = parsed.value;
    if (!Array.isArray(events)) return this.badBody('body must be a JSON array of events');
    if (events.length === 0) {
      this.violations.add('initialstate', 'empty-batch', 'POST /batch_logs with an empty array');
      return emptyReply(204);
    }

    const now = this.clock();
    const owned = this.buckets.get(clientKey) ?? new Map<string, InitialStateBucketInfo>();
    // A request's events nearly always share one tid: look each distinct one up once.
    const tids = new Map<string, InitialStateBucketInfo | undefined>();
    const accepted: InitialStateEvent[] = [];
    const problems: Problem[] = [];
    for (let index = 0; index < events.length; index++) {
      const event = this.checkEvent(events[index], index, now, owned, tids, problems);
      if (event) accepted.push(event);
    }
    if (problems.length > 0) {
      for (const problem of problems) this.violations.add('initialstate', problem.rule, problem.detail);
      // One invalid event rejects the whole request: nothing of it is recorded.
      return errorReply(400, `${problems.length} invalid event field(s); first: ${problems[0]?.detail ?? ''}`);
    }
    // A loop, not push(...accepted): spreading a huge batch would overflow the stack.
    for (const event of accepted) this.view.events.push(event);
    this.view.received += accepted.length;
    keepNewest(this.view.events, this.options.maxRecords);
    return emptyReply(204);
  }

  /** The event as recorded, or undefined after adding what is wrong with it to `problems`. */
  private checkEvent(
    event: unknown,
    index: number,
    now: number,
    owned: Map<string, InitialStateBucketInfo>,
    tids: Map<string, InitialStateBucketInfo | undefined>,
    problems: Problem[],
  ): InitialStateEvent | undefined {
    const at = `event ${index}`;
    if (!isPlainObject(event)) {
      problems.push({ rule: 'bad-event', detail: `${at}: must be an object {b, sn, v, e, tid}` });
      return undefined;
    }
    const { b, sn, v, e, tid } = event;
    const before = problems.length;
    if (typeof b !== 'string' || b.length === 0 || b.length > MAX_BUCKET_NAME) {
      problems.push({ rule: 'bad-bucket-name', detail: `${at}: b must be a string of 1..${MAX_BUCKET_NAME} characters, got ${describeValue(b)}` });
    }
    if (typeof sn !== 'string' || sn.length === 0 || sn.length > MAX_SIGNAL_NAME) {
      problems.push({ rule: 'bad-signal-name', detail: `${at}: sn must be a string of 1..${MAX_SIGNAL_NAME} characters, got ${describeValue(sn)}` });
    }
    if (!isScalar(v)) {
      problems.push({ rule: 'bad-value', detail: `${at}: v must be a string, boolean or finite number, got ${describeValue(v)}` });
    }
    const badEpoch = epochProblem(e, now);
    if (badEpoch !== undefined) problems.push({ rule: 'bad-epoch', detail: `${at}: ${badEpoch}` });
    // `tids` holds only GUIDs already checked in this request.
    const known = typeof tid === 'string' && tids.has(tid);
    if (!known && !isGuid(tid)) {
      problems.push({ rule: 'bad-guid', detail: `${at}: tid must be a GUID (8-4-4-4-12 hex), got ${describeValue(tid)}` });
    } else {
      const id = tid as string;
      let bucket: InitialStateBucketInfo | undefined;
      if (known) bucket = tids.get(id);
      else {
        bucket = owned.get(id.toLowerCase());
        tids.set(id, bucket);
      }
      if (bucket === undefined) {
        problems.push({ rule: 'unknown-bucket', detail: `${at}: tid ${tid} was not registered with POST /api/v1/buckets for this client key` });
      } else if (typeof b === 'string' && b !== bucket.bucketName) {
        problems.push({ rule: 'bucket-name-mismatch', detail: `${at}: b ${describeValue(b)} differs from the name of bucket ${tid}, ${describeValue(bucket.bucketName)}` });
      }
    }
    if (problems.length === before && typeof b === 'string' && typeof sn === 'string' && isScalar(v) && typeof e === 'number' && typeof tid === 'string') {
      return { b, sn, v, e, tid, receivedAt: now };
    }
    return undefined;
  }

  private checkContentType(call: ApiCall): Reply | undefined {
    const contentType = call.headers['content-type'];
    if (isJsonContentType(contentType)) return undefined;
    this.violations.add('initialstate', 'content-type', `Content-Type must be application/json, got ${describeValue(contentType ?? null)}`);
    return errorReply(415, 'Content-Type must be application/json');
  }

  private reject(rule: string, detail: string): Reply {
    this.violations.add('initialstate', rule, detail);
    return errorReply(400, detail);
  }

  private badBody(reason: string): Reply {
    return this.reject('bad-body', reason);
  }
}
