import { LogferryError } from '../../errors/logferryError.js';
import type { InitialStateEventsSinkOptions } from '../../options/options.js';
import type { LogRecord } from '../../record/record.js';
import { Pacer } from '../../timing/pacer.js';
import { RateBudget } from '../../timing/rateBudget.js';
import { awaitTurn } from '../../timing/turn.js';
import type { Http, HttpResponse } from '../../transport/http.js';
import { baseUrl } from '../baseUrl.js';
import type { SendResult, Sink } from '../sink.js';
import { mayHaveBeenSent, retryAnswer, statusMeaning } from '../status.js';
import { uuidV5 } from './bucketId.js';
import { BucketSetup } from './bucketSetup.js';
import { accessKeyRefused, createEventsBucket, eventsHeaders, quotaSpent } from './eventsBucket.js';
import { EventMapping, type EventValue } from './eventMapping.js';
import { keyRefused, type KeySource } from '../keySource.js';

/** One event of a `POST /events` request: key, value, the record's time in epoch seconds. */
export interface EventsApiEvent {
  key: string;
  value: EventValue;
  epoch: number;
}

type Delivered = Extract<SendResult, { kind: 'delivered' }>;

/**
 * Speaks Initial State's Events API: the bucket (`POST /buckets`, 201 or 204)
 * once per process, then each record's events (`POST /events`, at most
 * `maxEventsPerRequest` a request), paced to the requests-a-second option
 * and to what the server's X-RateLimit headers say is left. A 402 (the
 * account's event quota is spent) stops the sink for good.
 */
export class InitialStateEventsSink implements Sink {
  readonly lanes = 1;
  /** The API refuses bodies over 1 MB; capped values keep a full request far below it. */
  readonly maxBatchBytes = 1_000_000;
  /** As many records as fit one request when each has every field, so no batch needs splitting (send() still splits one that does not fit). */
  readonly maxBatchRecords: number;
  readonly bucketKey: string;
  private readonly bucket = new BucketSetup((signal) => this.createBucket(signal), () => this.accessKey());
  private readonly mapping: EventMapping;
  private readonly pacer: Pacer;
  private readonly budget = new RateBudget();
  private readonly eventsUrl: URL;
  /** What every event repeats, in bytes (for size estimates). */
  private readonly eventOverhead: number;

  constructor(
    private readonly options: InitialStateEventsSinkOptions,
    private readonly requestTimeoutMs: number,
    private readonly http: Http,
    /** With `sink.accessKeyFile`: where each request's key comes from. */
    private readonly keys?: KeySource,
  ) {
    // The options guarantee a key or a name.
    this.bucketKey = options.bucketKey ?? uuidV5(options.bucketName as string);
    this.mapping = new EventMapping(options, options.maxValueLength);
    const perRecord = options.fields.length + (options.fieldsOnly ? 0 : 1);
    this.maxBatchRecords = Math.max(1, Math.floor(options.maxEventsPerRequest / perRecord));
    this.pacer = new Pacer(options.requestsPerSecond);
    const base = baseUrl(options.apiUrl);
    this.eventsUrl = new URL('events', base);
    this.eventOverhead = JSON.stringify({ key: this.mapping.signal, value: '', epoch: 1_700_000_000.123 }).length + 1;
  }

  sizeOf(messageLength: number): number {
    const log = this.options.fieldsOnly ? 0 : this.eventOverhead + Math.min(messageLength, this.options.maxValueLength) + 8;
    return log + this.mapping.fieldSignals.length * (this.eventOverhead + 48);
  }

  /** The events of `records`, in order: each record's log event (unless fieldsOnly), then its field events. */
  events(records: readonly LogRecord[]): EventsApiEvent[] {
    const mapping = this.mapping;
    const out: EventsApiEvent[] = [];
    for (const record of records) {
      const epoch = record.time / 1000;
      if (!this.options.fieldsOnly) out.push({ key: mapping.signal, value: mapping.logValue(record), epoch });
      const fields = record.fields;
      if (!fields) continue;
      for (const [field, key] of mapping.fieldSignals) {
        const v = fields[field];
        if (v !== undefined) out.push({ key, value: mapping.fieldValue(v), epoch });
      }
    }
    return out;
  }

  open(signal: AbortSignal): void {
    this.bucket.open(signal);
  }

  async send(_lane: number, records: LogRecord[], signal: AbortSignal): Promise<SendResult> {
    const events = this.events(records);
    // More events than one request may carry (records with many fields): halve the batch, nothing sent.
    if (events.length > this.options.maxEventsPerRequest && records.length > 1) return { kind: 'split' };
    const delivered: Delivered = { kind: 'delivered', rejected: [], outOfWindow: [], restamped: 0, duplicateAvoided: false };
    if (events.length === 0) return { ...delivered, filtered: records.length };
    const bucketFailed = await this.bucket.ensure(signal);
    if (bucketFailed) return bucketFailed;
    let res: HttpResponse;
    try {
      res = await this.post(this.eventsUrl, JSON.stringify(events), { ...this.headers(), 'x-is-bucketkey': this.bucketKey }, signal);
    } catch (error) {
      return { kind: 'retry', ambiguous: mayHaveBeenSent(error), error: new LogferryError('LOGFERRY_HTTP', `Initial State events request failed: ${(error as Error).message}`) };
    }
    if (res.status >= 200 && res.status < 300) {
      this.keys?.accepted();
      const nothing = this.options.fieldsOnly ? records.filter((r) => this.mapping.fieldCount(r) === 0).length : 0;
      return nothing > 0 ? { ...delivered, filtered: nothing } : delivered;
    }
    const meaning = statusMeaning(res.status);
    const where = 'POST /api/events';
    if (meaning === 'auth') return this.authError(res.status, where);
    if (meaning === 'quota') return quotaSpent(where);
    // Too large, or one bad event spoiling the whole request: halve until it is isolated.
    if (meaning === 'split' || (res.status === 400 && records.length > 1)) return { kind: 'split' };
    if (meaning === 'retry') return retryAnswer(res, new LogferryError('LOGFERRY_HTTP', `Initial State ${where} answered HTTP ${res.status}`));
    const reason = `HTTP ${res.status} from Initial State`;
    return { ...delivered, rejected: records.map((record) => ({ record, reason })) };
  }

  async close(): Promise<void> {}

  private async createBucket(signal: AbortSignal): Promise<SendResult | undefined> {
    const { apiUrl, bucketName } = this.options;
    const request = {
      apiUrl,
      accessKey: this.accessKey(),
      bucketKey: this.bucketKey,
      ...(bucketName !== undefined ? { bucketName } : {}),
      refused: (status: number, where: string) => this.authError(status, where),
    };
    const failed = await createEventsBucket((url, body, headers) => this.post(url, body, headers, signal), request);
    if (failed === undefined) this.keys?.accepted();
    return failed;
  }

  private accessKey(): string {
    return this.keys?.current() ?? this.options.accessKey;
  }

  /** What every request carries: the API version and the current access key. */
  private headers(): Record<string, string> {
    return eventsHeaders(this.accessKey());
  }

  private authError(status: number, where: string): SendResult {
    return keyRefused(this.keys, accessKeyRefused(status, where), 'Initial State', status);
  }

  /** One request when the pacer and the server's rate budget allow it; every answer updates the budget. */
  private async post(url: URL, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse> {
    await awaitTurn(() => this.budget.wait() || this.pacer.reserve(), signal);
    this.budget.take();
    const res = await this.http.post(url, body, { headers, timeoutMs: this.requestTimeoutMs, signal });
    this.budget.observe(res.headers['x-ratelimit-remaining'], res.headers['x-ratelimit-reset']);
    return res;
  }
}
