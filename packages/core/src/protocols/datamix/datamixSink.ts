import { BodyWriter, PreparedBodies } from '../../record/bodyWriter.js';
import { LogferryError } from '../../errors/logferryError.js';
import type { Http, HttpResponse } from '../../transport/http.js';
import type { DatamixSinkOptions } from '../../options/options.js';
import { laneRange, type LaneRange } from '../../options/laneRange.js';
import { DATAMIX_LEVELS, type DatamixLevel } from '../../record/levels.js';
import { textOf, writeTextChars, type LogRecord } from '../../record/record.js';
import { baseUrl } from '../baseUrl.js';
import { mayHaveBeenSent, retryAnswer, statusMeaning } from '../status.js';
import { parseJson } from '../parseJson.js';
import { isDatamixSuccess, type SessionSource } from './session.js';
import type { SendResult, Sink } from '../sink.js';
import { classifyTime, ServerClock } from '../../record/timeWindow.js';
import { restamp } from '../../record/restamp.js';
import { concatBytes, utf8 } from '../../record/utf8.js';

interface Session {
  token: string;
  destination: string;
  /** Where its logs go. */
  base: URL;
  /** Local time at which to create a new session instead of using this one. */
  renewAt: number;
}

interface Lane {
  session?: Session;
  /** The last attempt on `session.token` got no answer: it may have been processed. */
  ambiguous: boolean;
  /** 401s in a row on fresh sessions; guards against a spin if the server keeps refusing. */
  authFailures: number;
  /** The logs request body in flight, and the next one prepared while it is (both reused). */
  bodies: PreparedBodies<Prepared>;
  /** The session open() started; the lane's first send waits for it and takes its outcome. */
  opening?: Promise<SendResult | undefined>;
}

/** What writing a logs body came to: the records in it, and those the time window left out. */
interface Built {
  sent: LogRecord[];
  outOfWindow: LogRecord[];
  restamped: number;
}

interface Prepared extends Built {
  /** Local time it was built: its records were checked against the time window then. */
  at: number;
  /** The server clock's offset it was judged by (none known yet before the first answer). */
  offset: number;
}

/** A body's messages are written after this many free bytes, for `{"session":<token>,"messages":` once the token is known. */
const HEAD_RESERVE = 1024;

/** How old a prepared body may be when its send comes: its records' time-window check is that old. */
const PREPARED_FOR_MS = 1000;

/**
 * How far the server clock's estimate may have moved since a body was
 * prepared (the first answer moves it from 0 to the real offset; later ones by
 * milliseconds): well inside the window's slack (2 s ahead, 5 s behind).
 */
const PREPARED_OFFSET_MS = 250;

const OUT_OF_WINDOW = new LogferryError(
  'LOGFERRY_DROPPED',
  "records outside Datamix's time window (older than 10 minutes or over 10 s ahead) were not sent; check the clock, or set stale: 'restamp'",
);

/** One message of a logs request, in the field order Datamix documents. */
interface DatamixMessage {
  level: string;
  timestamp: number;
  message: string;
}

/** Each level's message start, `{"level":"info","timestamp":`, as bytes. */
const MESSAGE_STARTS = new Map<DatamixLevel, Uint8Array>(DATAMIX_LEVELS.map((level) => [level, utf8(`{"level":${JSON.stringify(level)},"timestamp":`)]));
const MESSAGE_KEY = utf8(',"message":"');
const MESSAGE_END = utf8('"}');

/**
 * Writes one message straight into the body when its text is plain ASCII
 * (writeTextChars): the JSON of a DatamixMessage without building it on the
 * heap. False, with nothing written, for anything else.
 */
export function writeMessage(body: BodyWriter, record: LogRecord, timestamp: number): boolean {
  body.beginItem().ascii(MESSAGE_STARTS.get(record.level) as Uint8Array).integer(timestamp).ascii(MESSAGE_KEY);
  if (!writeTextChars(body, record)) {
    body.dropItem();
    return false;
  }
  body.ascii(MESSAGE_END);
  return true;
}

/** Sessions last about an hour; renew well before `expires`, and early for short sessions. */
function renewAt(createdLocal: number, expiresLocal: number): number {
  const ttl = Math.max(0, expiresLocal - createdLocal);
  return expiresLocal - Math.min(300_000, ttl * 0.4);
}

interface LogsBody {
  session: string;
  rejected: { index: number; message: string }[];
}

/** The logs response: the next token, and rejected indexes as numbers (Datamix's documented example sends them as strings). */
function parseLogsResponse(body: string): LogsBody | undefined {
  const v = parseJson(body) as { session?: unknown; rejected?: unknown } | undefined;
  if (!v || typeof v.session !== 'string') return undefined;
  const rejected: { index: number; message: string }[] = [];
  if (Array.isArray(v.rejected)) {
    for (const item of v.rejected as { index?: unknown; message?: unknown }[]) {
      const index = Number(item?.index);
      if (Number.isInteger(index)) rejected.push({ index, message: typeof item.message === 'string' ? item.message : 'rejected' });
    }
  }
  return { session: v.session, rejected };
}

/**
 * Speaks the Datamix API: one session per lane, each a chain of single-use
 * tokens with exactly one request in flight, renewed before it expires.
 */
export class DatamixSink implements Sink {
  readonly lanes: number;
  readonly laneRange: LaneRange | undefined;
  readonly maxBatchBytes = 4 * 1024 * 1024;
  private readonly laneState: Lane[];
  private readonly base: URL;

  constructor(
    private readonly options: DatamixSinkOptions,
    private readonly stale: 'drop' | 'restamp',
    private readonly requestTimeoutMs: number,
    private readonly http: Http,
    readonly clock: ServerClock,
    private readonly onSessionCreated: () => void,
    /** Where sessions come from: `keySessions` on a server, the app's own endpoint in a browser. */
    private readonly newSession: SessionSource,
  ) {
    const range = laneRange(options.sessions);
    this.lanes = range.max;
    if (range.max > range.min) this.laneRange = range;
    this.laneState = Array.from({ length: range.max }, () => ({ ambiguous: false, authFailures: 0, bodies: new PreparedBodies<Prepared>() }));
    this.base = baseUrl(options.url);
  }

  /** An idle lane closed: its session is let go (Datamix has no call to end one; it expires), a new one opens if the lane is needed again. */
  closeLane(laneIndex: number): void {
    const lane = this.laneState[laneIndex] as Lane;
    lane.session = undefined;
    lane.ambiguous = false;
  }

  sizeOf(messageLength: number): number {
    // {"level":"error","timestamp":1700000000000,"message":"..."}, + escaping headroom
    return messageLength + 64;
  }

  private async openSession(lane: Lane, signal: AbortSignal): Promise<SendResult | undefined> {
    const created = await this.newSession(signal);
    if (created.kind !== 'session') return created;
    const { token, destination, expires, url } = created.session;
    const base = url === undefined ? this.base : baseUrl(url);
    lane.session = { token, destination, base, renewAt: renewAt(Date.now(), this.clock.toLocal(expires)) };
    lane.ambiguous = false;
    this.onSessionCreated();
    return undefined;
  }

  /**
   * The first lane's session only: the first batch goes there, and every
   * session is a separate log on Datamix's side, so the other lanes still open
   * theirs when a burst first needs them.
   */
  open(signal: AbortSignal): void {
    const first = this.laneState[0] as Lane;
    first.opening ??= this.openSession(first, signal);
  }

  /**
   * A logs request's messages, into `body` after its reserved head: the
   * records inside the time window (the others restamped or left out), as the
   * writer's JSON array items (serialised a few hundred at a time). The head,
   * `{"session":<token>,"messages":`, is put in front when the request goes
   * (the token is known only then). A function of its own so that this loop
   * is what V8 optimises, not the whole async `send`.
   */
  private writeBody(body: BodyWriter, records: LogRecord[]): Built {
    const serverNow = this.clock.serverNow();
    const outOfWindow: LogRecord[] = [];
    const sent: LogRecord[] = [];
    let restamped = 0;
    body.reset(HEAD_RESERVE);
    for (const record of records) {
      let time = record.time;
      let text: string;
      if (classifyTime(time, serverNow) === 'ok') {
        if (writeMessage(body, record, Math.round(time))) {
          sent.push(record);
          continue;
        }
        text = textOf(record);
      } else {
        if (this.stale === 'drop') {
          outOfWindow.push(record);
          continue;
        }
        const moved = restamp(record, serverNow);
        time = moved.time;
        text = moved.text;
        restamped++;
      }
      body.item({ level: record.level, timestamp: Math.round(time), message: text } satisfies DatamixMessage);
      sent.push(record);
    }
    body.closeArray().append('}');
    return { sent, outOfWindow, restamped };
  }

  /**
   * Builds the lane's next batch's body while its current request is under
   * way (the pipeline calls this with the batch it will send next): the
   * server reads one body while the worker writes the next. send() uses it
   * for that batch's first attempt if it is at most PREPARED_FOR_MS old.
   */
  prepare(laneIndex: number, records: LogRecord[]): void {
    const lane = this.laneState[laneIndex] as Lane;
    lane.bodies.prepare(records, (writer) => ({ at: Date.now(), offset: this.clock.offset, ...this.writeBody(writer, records) }));
  }

  /**
   * The body for `records`: the prepared one when it is theirs and still
   * judged by the time window as it would be now (its writer becomes the
   * lane's), else written now.
   */
  private bodyFor(lane: Lane, records: LogRecord[]): Built {
    const prepared = lane.bodies.take(records);
    const fresh = prepared && Date.now() - prepared.at <= PREPARED_FOR_MS && Math.abs(this.clock.offset - prepared.offset) <= PREPARED_OFFSET_MS;
    return fresh ? prepared : this.writeBody(lane.bodies.current, records);
  }

  async send(laneIndex: number, records: LogRecord[], signal: AbortSignal): Promise<SendResult> {
    const result = await this.attempt(laneIndex, records, signal);
    // A fixed text, so the pipeline's report of it is rate-limited; stats().filtered has the count.
    if (result.kind === 'delivered' && result.outOfWindow.length > 0) result.notice = OUT_OF_WINDOW;
    return result;
  }

  private async attempt(laneIndex: number, records: LogRecord[], signal: AbortSignal): Promise<SendResult> {
    const lane = this.laneState[laneIndex] as Lane;
    if (lane.opening) {
      const failed = await lane.opening;
      lane.opening = undefined;
      if (failed) return failed;
    }
    // Keep an ambiguous token until it has told us whether it was used: that is how duplicates are avoided.
    if (!lane.session || (!lane.ambiguous && Date.now() >= lane.session.renewAt)) {
      const failed = await this.openSession(lane, signal);
      if (failed) return failed;
    }
    const session = lane.session as Session;

    const { sent, outOfWindow, restamped } = this.bodyFor(lane, records);
    if (sent.length === 0) return { kind: 'delivered', rejected: [], outOfWindow, restamped, duplicateAvoided: false };
    const body = lane.bodies.current;
    const head = `{"session":${JSON.stringify(session.token)},"messages":`;
    // A token too long for the reserved bytes (never seen) costs a copy of the body.
    const payload = body.head(head) ? body.bytes() : concatBytes(utf8(head), body.bytes());

    const url = new URL(`destinations/${encodeURIComponent(session.destination)}/logs`, session.base);
    let res: HttpResponse;
    try {
      res = await this.http.post(url, payload, { timeoutMs: this.requestTimeoutMs, signal });
    } catch (error) {
      const sentMaybe = mayHaveBeenSent(error);
      if (sentMaybe) lane.ambiguous = true;
      return {
        kind: 'retry',
        ambiguous: sentMaybe,
        error: new LogferryError('LOGFERRY_HTTP', `Datamix logs request failed: ${(error as Error).message}`),
      };
    }
    this.clock.observe(res.headers.date, res.sentAt, res.receivedAt);

    if (isDatamixSuccess(res.status)) {
      const parsed = parseLogsResponse(res.body);
      lane.ambiguous = false;
      lane.authFailures = 0;
      if (!parsed) {
        // Processed, but no next token: the chain is broken, start a new session.
        lane.session = undefined;
        return { kind: 'delivered', rejected: [], outOfWindow, restamped, duplicateAvoided: false };
      }
      session.token = parsed.session;
      const rejected = parsed.rejected
        .filter((r) => r.index >= 0 && r.index < sent.length)
        .map((r) => ({ record: sent[r.index] as LogRecord, reason: r.message }));
      return { kind: 'delivered', rejected, outOfWindow, restamped, duplicateAvoided: false };
    }
    if (res.status === 409 && lane.ambiguous) {
      // The token was already used: the unanswered attempt was processed. Continue on a fresh session.
      lane.session = undefined;
      lane.ambiguous = false;
      return { kind: 'delivered', rejected: [], outOfWindow, restamped, duplicateAvoided: true };
    }
    const meaning = statusMeaning(res.status);
    if (meaning === 'auth' || res.status === 409) {
      // On a logs request, 401/403 and 409 say the session is no longer good (expired, revoked, out of step), not the key: the batch was not processed.
      lane.session = undefined;
      lane.ambiguous = false;
      lane.authFailures++;
      return {
        kind: 'retry',
        immediate: lane.authFailures <= 2,
        error: new LogferryError('LOGFERRY_HTTP', `Datamix refused the session (HTTP ${res.status}); starting a new session`),
      };
    }
    if (meaning === 'split') return { kind: 'split' };
    if (meaning === 'retry') return retryAnswer(res, new LogferryError('LOGFERRY_HTTP', `Datamix logs request answered HTTP ${res.status}`));
    // Refused (any other status, a 2xx other than 200/201 included): resending it cannot help.
    lane.session = undefined;
    const reason = `HTTP ${res.status} from Datamix`;
    return { kind: 'delivered', rejected: sent.map((record) => ({ record, reason })), outOfWindow, restamped, duplicateAvoided: false };
  }

  async close(): Promise<void> {
    // Sessions simply expire on the server; nothing to release.
  }
}
