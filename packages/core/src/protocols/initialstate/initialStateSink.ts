import { uuidV5 } from './bucketId.js';
import { clientKeyRefused, createBucket } from './bucket.js';
import { PreparedBodies } from '../../record/bodyWriter.js';
import { LogferryError } from '../../errors/logferryError.js';
import type { Http, HttpResponse } from '../../transport/http.js';
import type { DatamixLevel } from '../../record/levels.js';
import type { InitialStateSinkOptions } from '../../options/options.js';
import { Pacer } from '../../timing/pacer.js';
import { awaitTurn } from '../../timing/turn.js';
import { writeTextChars, type LogRecord } from '../../record/record.js';
import { baseUrl } from '../baseUrl.js';
import { mayHaveBeenSent, retryAnswer, statusMeaning } from '../status.js';
import type { SendResult, Sink } from '../sink.js';
import { BucketSetup } from './bucketSetup.js';
import { EventMapping, LEVEL_PREFIX } from './eventMapping.js';
import { keyRefused, type KeySource } from '../keySource.js';
import { utf8 } from '../../record/utf8.js';
const VALUE_END = utf8('","e":');
const EVENT_END = utf8('}');

/** One event of a batch_logs request: bucket, bucket id, signal, value, epoch seconds. */
interface InitialStateEvent {
  b: string;
  tid: string;
  sn: string;
  v: string | number | boolean;
  e: number;
}

/**
 * Speaks the Initial State logging API: the bucket is created once per
 * process, then each record becomes a `log` event (plus one typed event per
 * configured field), posted in paced, size-bounded batches.
 */
export class InitialStateSink implements Sink {
  readonly lanes = 1;
  /** The events request body in flight, and the next one prepared while it is (one lane: one request at a time). */
  private readonly bodies = new PreparedBodies<Uint8Array>();
  /** Initial State documents no size limit: batches stay small enough that a 413 is unlikely and a retry or a split resends little. */
  readonly maxBatchBytes = 512 * 1024;
  readonly bucketId: string;
  private readonly bucket = new BucketSetup((signal) => this.createBucket(signal), () => this.clientKey());
  private readonly pacer: Pacer;
  private readonly mapping: EventMapping;
  /** The length of what every event repeats (for size estimates). */
  private readonly prefixLength: number;
  /** Each level's log event start, `{"b":…,"tid":…,"sn":…,"v":"INFO `, as bytes: encode() writes the text after it by hand when it can. */
  private readonly logEventStarts: Record<DatamixLevel, { bytes: Uint8Array; levelLength: number }>;
  private readonly eventsUrl: URL;

  constructor(
    private readonly options: InitialStateSinkOptions,
    private readonly requestTimeoutMs: number,
    private readonly http: Http,
    /** With `sink.clientKeyFile`: where each request's key comes from. */
    private readonly keys?: KeySource,
  ) {
    this.bucketId = options.bucketId ?? uuidV5(options.bucketName);
    this.pacer = new Pacer(options.requestsPerSecond);
    this.mapping = new EventMapping(options, options.maxValueLength);
    const signal = this.mapping.signal;
    this.prefixLength = JSON.stringify({ b: options.bucketName, tid: this.bucketId, sn: signal }).length;
    const head = `{"b":${JSON.stringify(options.bucketName)},"tid":${JSON.stringify(this.bucketId)},"sn":${JSON.stringify(signal)},"v":"`;
    const start = (level: DatamixLevel): { bytes: Uint8Array; levelLength: number } => ({
      bytes: utf8(head + LEVEL_PREFIX[level]),
      levelLength: LEVEL_PREFIX[level].length,
    });
    this.logEventStarts = { debug: start('debug'), info: start('info'), warn: start('warn'), error: start('error'), fatal: start('fatal') };
    this.eventsUrl = new URL('batch_logs', baseUrl(options.eventsUrl));
  }

  sizeOf(messageLength: number): number {
    const value = Math.min(messageLength, this.options.maxValueLength) + 8;
    return this.prefixLength + value + 40 + this.mapping.fieldSignals.length * (this.prefixLength + 48);
  }

  private authError(status: number, where: string): SendResult {
    return keyRefused(this.keys, clientKeyRefused(status, where), 'Initial State', status);
  }

  private clientKey(): string {
    return this.keys?.current() ?? this.options.clientKey;
  }

  private async paced(url: URL, body: string | Uint8Array, headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse> {
    await awaitTurn(() => this.pacer.reserve(), signal);
    return this.http.post(url, body, { headers, timeoutMs: this.requestTimeoutMs, signal });
  }

  private async createBucket(signal: AbortSignal): Promise<SendResult | undefined> {
    const { apiUrl, bucketName } = this.options;
    const request = { apiUrl, clientKey: this.clientKey(), bucketName, bucketId: this.bucketId, refused: (status: number, where: string) => this.authError(status, where) };
    const failed = await createBucket((url, body) => this.paced(url, body, {}, signal), request);
    if (failed === undefined) this.keys?.accepted();
    return failed;
  }

  /**
   * The request body, into one reused buffer: each record's `log` event (`LEVEL
   * text`, capped at maxValueLength) and its field events, as the writer's JSON
   * array items. Into `into` (the writer of the body in flight unless given).
   */
  encode(records: LogRecord[], into = this.bodies.current): Uint8Array {
    const max = this.options.maxValueLength;
    const b = this.options.bucketName;
    const tid = this.bucketId;
    const mapping = this.mapping;
    const body = into.reset();
    const starts = this.logEventStarts;
    for (const record of records) {
      const e = record.time / 1000;
      const start = starts[record.level];
      body.beginItem().ascii(start.bytes);
      if (writeTextChars(body, record, max - start.levelLength)) body.ascii(VALUE_END).seconds(record.time).ascii(EVENT_END);
      else body.dropItem().item({ b, tid, sn: mapping.signal, v: mapping.logValue(record), e } satisfies InitialStateEvent);
      if (record.fields) {
        for (const [field, sn] of mapping.fieldSignals) {
          const v = record.fields[field];
          if (v !== undefined) body.item({ b, tid, sn, v: mapping.fieldValue(v), e } satisfies InitialStateEvent);
        }
      }
    }
    return body.closeArray().bytes();
  }

  open(signal: AbortSignal): void {
    this.bucket.open(signal);
  }

  /** Builds the next batch's body while the current request is under way (see Sink.prepare); events carry no token or window. */
  prepare(_lane: number, records: LogRecord[]): void {
    this.bodies.prepare(records, (writer) => this.encode(records, writer));
  }

  /** The body for `records`: the prepared one when it is theirs, else encoded now. */
  private bodyFor(records: LogRecord[]): Uint8Array {
    return this.bodies.take(records) ?? this.encode(records);
  }

  async send(_lane: number, records: LogRecord[], signal: AbortSignal): Promise<SendResult> {
    const bucketFailed = await this.bucket.ensure(signal);
    if (bucketFailed) return bucketFailed;
    let res: HttpResponse;
    try {
      res = await this.paced(this.eventsUrl, this.bodyFor(records), { 'x-is-clientkey': this.clientKey() }, signal);
    } catch (error) {
      return { kind: 'retry', ambiguous: mayHaveBeenSent(error), error: new LogferryError('LOGFERRY_HTTP', `Initial State events request failed: ${(error as Error).message}`) };
    }
    const delivered: SendResult = { kind: 'delivered', rejected: [], outOfWindow: [], restamped: 0, duplicateAvoided: false };
    if (res.status >= 200 && res.status < 300) {
      this.keys?.accepted();
      return delivered;
    }
    const meaning = statusMeaning(res.status);
    if (meaning === 'auth') return this.authError(res.status, 'POST /batch_logs');
    // Too large, or (Initial State's own) one bad event spoiling the whole batch: halve until it is isolated.
    if (meaning === 'split' || (res.status === 400 && records.length > 1)) return { kind: 'split' };
    if (meaning === 'retry') return retryAnswer(res, new LogferryError('LOGFERRY_HTTP', `Initial State POST /batch_logs answered HTTP ${res.status}`));
    const reason = `HTTP ${res.status} from Initial State`;
    return { ...delivered, rejected: records.map((record) => ({ record, reason })) };
  }

  async close(): Promise<void> {}
}
