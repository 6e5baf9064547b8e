import { randomBytes, randomUUID } from 'node:crypto';
import { isPlainObject, parseJson } from './body.js';
import type { ApiCall } from './call.js';
import type { Clock } from './clock.js';
import { describeValue } from './describeValue.js';
import type { ResolvedOptions } from './options.js';
import { errorReply, jsonReply, type Reply } from './reply.js';
import { keepNewest } from './keepNewest.js';
import { sessionThrottle } from './sessionThrottle.js';
import type { DatamixDestinationParts, DatamixSessionInfo, DatamixView } from './types.js';
import type { ViolationLog } from './violations.js';

const LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error', 'fatal']);

interface SessionState {
  /** The API key it was created with (a revoked key's sessions are refused too). */
  key: string;
  info: DatamixSessionInfo;
  parts: DatamixDestinationParts;
  /** One request per session at a time: the token chain makes parallel requests ambiguous. */
  busy: boolean;
}

interface TokenState {
  session: SessionState;
  state: 'current' | 'used';
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

interface Rejection {
  rule: string;
  reason: string;
}
type CheckedMessage = { level: string; timestamp: number; message: string } | Rejection;

/** ISO time when representable; Date cannot print timestamps beyond +-8.64e15 ms. */
function formatTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms` : date.toISOString();
}

/** The Datamix protocol: sessions, single-use chained tokens, per-message validation. */
export class DatamixService {
  readonly view: DatamixView = { records: [], received: 0, rejected: [], rejectedTotal: 0, sessions: [], sessionCreations: 0, requests: [], requestsTotal: 0, busySessionsPeak: 0 };
  private busySessions = 0;
  sessionTtlMs: number;
  /** Keys refused as revoked (faults.refuseKey). */
  refusedKeys: ReadonlySet<string> = new Set();
  private readonly tokens = new Map<string, TokenState>();

  constructor(
    private readonly options: ResolvedOptions['datamix'],
    private readonly clock: Clock,
    private readonly violations: ViolationLog,
  ) {
    this.sessionTtlMs = options.sessionTtlMs;
  }

  /** Clears what was recorded; live sessions and their tokens stay usable. */
  reset(): void {
    this.view.records.length = 0;
    this.view.received = 0;
    this.view.rejected.length = 0;
    this.view.rejectedTotal = 0;
    this.view.requests.length = 0;
    this.view.requestsTotal = 0;
    this.view.sessionCreations = 0;
    this.view.busySessionsPeak = this.busySessions;
  }

  /** Every request with its final status (0 = no response was sent). */
  recordRequest(path: string, status: number): void {
    this.view.requests.push({ path, status });
    this.view.requestsTotal += 1;
    keepNewest(this.view.requests, this.options.maxRecords);
  }

  async createSession(call: ApiCall): Promise<Reply> {
    await call.beforeProcessing();
    if (call.body.kind === 'too-large') return errorReply(413, 'request body too large');
    const parsed = parseJson(call.body.buffer);
    if (parsed.kind === 'invalid') return this.badBody(parsed.reason);
    if (parsed.kind === 'json' && !isPlainObject(parsed.value)) return this.badBody('body must be a JSON object');

    // The Datamix API document accepts the key in the JSON body or as a query parameter.
    const bodyKey = parsed.kind === 'json' && isPlainObject(parsed.value) ? parsed.value['key'] : undefined;
    const key = bodyKey ?? call.query.get('key') ?? undefined;
    if (typeof key !== 'string' || key === '') {
      this.violations.add('datamix', 'missing-key', 'POST /sessions without a key in the JSON body or the query');
      return errorReply(400, 'missing api key: send {"key": "<api key>"}');
    }
    const parts = this.options.keys.get(key);
    if (parts === undefined) {
      this.violations.add('datamix', 'bad-api-key', 'POST /sessions with an unknown api key');
      return errorReply(401, 'invalid api key');
    }
    if (this.refusedKeys.has(key)) return errorReply(401, 'api key revoked');

    const now = this.clock();
    const info: DatamixSessionInfo = {
      id: randomUUID(),
      destination: `${parts.system}.${parts.application}.${parts.environment}`,
      createdAt: now,
      expiresAt: now + this.sessionTtlMs,
      requests: 0,
    };
    const session: SessionState = { key, info, parts, busy: false };
    const token = newToken();
    this.tokens.set(token, { session, state: 'current' });
    this.view.sessions.push(info);
    this.view.sessionCreations += 1;
    return jsonReply(200, { token, expires: info.expiresAt, ...parts });
  }

  async postLogs(destination: string, call: ApiCall): Promise<Reply> {
    const arrived = Date.now();
    if (call.body.kind === 'too-large') return errorReply(413, 'request body too large');
    const parsed = parseJson(call.body.buffer);
    if (parsed.kind === 'invalid') return this.badBody(parsed.reason);
    if (parsed.kind === 'empty') return this.badBody('empty body: send {"session": ..., "messages": [...]}');
    const body = parsed.value;
    if (!isPlainObject(body)) return this.badBody('body must be a JSON object');
    const token = body['session'];
    const messages = body['messages'];
    if (typeof token !== 'string' || token === '') return this.badBody('"session" must be a non-empty string');
    if (!Array.isArray(messages)) return this.badBody('"messages" must be an array');

    const entry = this.tokens.get(token);
    if (entry === undefined) {
      this.violations.add('datamix', 'unknown-token', `logs request to ${destination} with a token the server never issued`);
      return errorReply(401, 'invalid session');
    }
    const session = entry.session;
    if (entry.state === 'used') {
      this.violations.add('datamix', 'stale-token', `session ${session.info.id}: token already used by an earlier request`);
      return errorReply(409, 'stale session token: already used');
    }
    if (this.refusedKeys.has(session.key)) return errorReply(401, 'session revoked: its api key was revoked');
    if (this.clock() > session.info.expiresAt) {
      this.violations.add('datamix', 'expired-token', `session ${session.info.id} expired at ${formatTime(session.info.expiresAt)}`);
      return errorReply(401, 'session expired');
    }
    if (destination !== session.info.destination) {
      this.violations.add('datamix', 'wrong-destination', `session ${session.info.id} belongs to ${session.info.destination}, request went to ${describeValue(destination)}`);
      return errorReply(403, `session is not valid for destination ${destination}`);
    }
    if (session.busy) {
      this.violations.add('datamix', 'parallel-request', `session ${session.info.id}: a second request arrived while one was being processed`);
      return errorReply(409, 'parallel request on session');
    }

    session.busy = true;
    this.busySessions += 1;
    this.view.busySessionsPeak = Math.max(this.view.busySessionsPeak, this.busySessions);
    try {
      await call.beforeProcessing();
      await sessionThrottle(arrived, call.body.buffer.length, this.options.sessionBytesPerSec);
      return this.accept(session, entry, messages);
    } finally {
      session.busy = false;
      this.busySessions -= 1;
    }
  }

  private accept(session: SessionState, entry: TokenState, messages: unknown[]): Reply {
    const now = this.clock();
    const rejected: { index: string; message: string }[] = [];
    let processed = 0;
    if (messages.length === 0) {
      this.violations.add('datamix', 'empty-batch', `session ${session.info.id}: logs request with no messages`);
    }
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index];
      const checked = this.checkMessage(message, now);
      if (!('rule' in checked)) {
        const { level, timestamp, message: text } = checked;
        this.view.records.push({ destination: session.info.destination, sessionId: session.info.id, level, timestamp, message: text, receivedAt: now });
        processed += 1;
        continue;
      }
      const { rule, reason } = checked;
      // The Datamix API document's example sends the index as a string.
      rejected.push({ index: String(index), message: reason });
      const fields = isPlainObject(message) ? message : {};
      this.view.rejected.push({ index, message: reason, level: fields['level'], timestamp: fields['timestamp'] });
      this.view.rejectedTotal += 1;
      this.violations.add('datamix', rule, `session ${session.info.id}, message ${index}: ${reason}`);
    }

    this.view.received += processed;
    keepNewest(this.view.records, this.options.maxRecords);
    keepNewest(this.view.rejected, this.options.maxRecords);
    entry.state = 'used';
    const next = newToken();
    this.tokens.set(next, { session, state: 'current' });
    session.info.requests += 1;
    return jsonReply(200, { session: next, ...session.parts, processed, rejected });
  }

  private checkMessage(message: unknown, now: number): CheckedMessage {
    if (!isPlainObject(message)) return { rule: 'bad-message', reason: 'message must be an object' };
    const { level, timestamp, message: text } = message;
    if (typeof level !== 'string' || !LEVELS.has(level)) {
      return { rule: 'bad-level', reason: `Invalid log level: ${describeValue(level)} (use debug, info, warn, error or fatal)` };
    }
    if (typeof timestamp !== 'number' || !Number.isInteger(timestamp)) {
      return { rule: 'bad-timestamp', reason: `Message timestamp must be an integer number of milliseconds since the epoch, got ${describeValue(timestamp)}` };
    }
    if (timestamp < now - this.options.pastWindowMs) {
      return { rule: 'time-window', reason: `Message timestamp is too old: ${formatTime(timestamp)}` };
    }
    if (timestamp > now + this.options.futureWindowMs) {
      return { rule: 'time-window', reason: `Message timestamp is too far in the future: ${formatTime(timestamp)}` };
    }
    if (typeof text !== 'string') return { rule: 'bad-message', reason: `Message must be a string, got ${describeValue(text)}` };
    return { level, timestamp, message: text };
  }

  private badBody(reason: string): Reply {
    this.violations.add('datamix', 'bad-body', reason);
    return errorReply(400, reason);
  }
}
