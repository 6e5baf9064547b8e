import { uuidV5 } from './bucketId.js';
import { clientKeyRefused, createBucket } from './bucket.js';
import { PreparedBodies } from '../../record/bodyWriter.js';
import { LogferryError } from '../../errors/logferryError.js';
import type { Http, HttpResponse } from '../../transport/http.js';
import type { DatamixLevel } from '../../record/levels.js';
import type { InitialStateSinkOptions } from '../../options/options.js';
import { Pacer } from '../../timing/pacer.js';
import { textOf, writeTextChars, type LogRecord } from '../../record/record.js';
import { baseUrl } from '../baseUrl.js';
import { mayHaveBeenSent, retryAnswer, statusMeaning } from '../status.js';
import type { SendResult, Sink } from '../sink.js';
import { sleep } from '../../timing/sleep.js';

const MAX_SIGNAL = 100;

/** Signal names: printable, no quotes or control characters, at most 100 characters. */
export function sanitizeSignal(name: string): string {
  const clean = name.replace(/[^\w .:/-]/g, '_').trim();
  return (clean === '' ? 'log' : clean).slice(0, MAX_SIGNAL);
}

const LEVEL_PREFIX: Record<DatamixLevel, string> = { debug: 'DEBUG ', info: 'INFO ', warn: 'WARN ', error: 'ERROR ', fatal: 'FATAL ' };
const VALUE_END = Buffer.from('","e":');
const EVENT_END = Buffer.from('}');

/** One event of a batch_logs request: bucket, bucket id, signal, value, epoch seconds. */
interface InitialStateEvent {
  b: string;
  tid: string;
  sn: string;
  v: string | number | boolean;
  e: number;
}

export function capValue(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
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
  private bucketReady = false;
  /** The bucket request open() started; the first send takes its outcome. */
  private opening: Promise<SendResult | undefined> | undefined;
  private readonly pacer: Pacer;
  /** The log events' signal name, and the length of what every event repeats (for size estimates). */
  private readonly signal: string;
  private readonly prefixLength: number;
  private readonly fieldSignals: [field: string, signal: string][];
  /** Each level's log event start, `{"b":…,"tid":…,"sn":…,"v":"INFO `, as bytes: encode() writes the text after it by hand when it can. */
  private readonly logEventStarts: Record<DatamixLevel, { bytes: Buffer; levelLength: number }>;
  private readonly eventsUrl: URL;

  constructor(
    private readonly options: InitialStateSinkOptions,
    private readonly requestTimeoutMs: number,
    private readonly http: Http,
  ) {
    this.bucketId = options.bucketId ?? uuidV5(options.bucketName);
    this.pacer = new Pacer(options.requestsPerSecond);
    this.signal = sanitizeSignal(options.signal);
    this.prefixLength = JSON.stringify({ b: options.bucketName, tid: this.bucketId, sn: this.signal }).length;
    this.fieldSignals = options.fields.map((f) => [f, sanitizeSignal(f)]);
    const head = `{"b":${JSON.stringify(options.bucketName)},"tid":${JSON.stringify(this.bucketId)},"sn":${JSON.stringify(this.signal)},"v":"`;
    const start = (level: DatamixLevel): { bytes: Buffer; levelLength: number } => ({
      bytes: Buffer.from(head + LEVEL_PREFIX[level]),
      levelLength: LEVEL_PREFIX[level].length,
    });
    this.logEventStarts = { debug: start('debug'), info: start('info'), warn: start('warn'), error: start('error'), fatal: start('fatal') };
    this.eventsUrl = new URL('batch_logs', baseUrl(options.eventsUrl));
  }

  sizeOf(messageLength: number): number {
    const value = Math.min(messageLength, this.options.maxValueLength) + 8;
    return this.prefixLength + value + 40 + this.fieldSignals.length * (this.prefixLength + 48);
  }

  private authError(status: number, where: string): SendResult {
    return clientKeyRefused(status, where);
  }

  private async paced(url: URL, body: string | Uint8Array, headers: Record<string, string>, signal: AbortSignal): Promise<HttpResponse> {
    for (let wait = this.pacer.reserve(); wait > 0 && !signal.aborted; wait = this.pacer.reserve()) {
      await sleep(wait, signal);
    }
    return this.http.post(url, body, { headers, timeoutMs: this.requestTimeoutMs, signal });
  }

  private async ensureBucket(signal: AbortSignal): Promise<SendResult | undefined> {
    if (this.bucketReady) return undefined;
    const { apiUrl, clientKey, bucketName } = this.options;
    const failed = await createBucket((url, body) => this.paced(url, body, {}, signal), { apiUrl, clientKey, bucketName, bucketId: this.bucketId });
    if (!failed) this.bucketReady = true;
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
    const body = into.reset();
    const starts = this.logEventStarts;
    for (const record of records) {
      const e = record.time / 1000;
      const start = starts[record.level];
      body.beginItem().ascii(start.bytes);
      if (writeTextChars(body, record, max - start.levelLength)) body.ascii(VALUE_END).seconds(record.time).ascii(EVENT_END);
      else body.dropItem().item({ b, tid, sn: this.signal, v: capValue(LEVEL_PREFIX[record.level] + textOf(record), max), e } satisfies InitialStateEvent);
      if (record.fields) {
        for (const [field, sn] of this.fieldSignals) {
          const v = record.fields[field];
          if (v !== undefined) body.item({ b, tid, sn, v: typeof v === 'string' ? capValue(v, max) : v, e } satisfies InitialStateEvent);
        }
      }
    }
    return body.closeArray().bytes();
  }

  open(signal: AbortSignal): void {
    this.opening ??= this.ensureBucket(signal);
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
    const opening = this.opening;
    this.opening = undefined;
    const bucketFailed = await (opening ?? this.ensureBucket(signal));
    if (bucketFailed) return bucketFailed;
    let res: HttpResponse;
    try {
      res = await this.paced(this.eventsUrl, this.bodyFor(records), { 'x-is-clientkey': this.options.clientKey }, signal);
    } catch (error) {
      return { kind: 'retry', ambiguous: mayHaveBeenSent(error), error: new LogferryError('LOGFERRY_HTTP', `Initial State events request failed: ${(error as Error).message}`) };
    }
    const delivered: SendResult = { kind: 'delivered', rejected: [], outOfWindow: [], restamped: 0, duplicateAvoided: false };
    if (res.status >= 200 && res.status < 300) return delivered;
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
