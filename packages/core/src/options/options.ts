import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';
import { LogferryError, redact } from '../errors/logferryError.js';
import { DATAMIX_LEVELS } from '../record/levels.js';
import { keyFileFor, type KeyFileSpec } from './keyFiles.js';
import { setField } from '../record/messageText.js';
import { sessionsOption } from './sessions.js';
import { checkUrl } from './urlPolicy.js';

/*
 * zod/mini: the same zod, tree-shakable. Every pino transport and winston
 * worker loads this in a new thread, and zod/mini with its English messages
 * costs that thread about half the CPU and a third of the memory classic zod does.
 * The messages are passed per parse, not with z.config(): that would change
 * the locale of the host app's own zod.
 */
const english = en().localeError;

const datamixLevel = z.enum(DATAMIX_LEVELS);
const url = z.url();
const nonEmpty = z.string().check(z.minLength(1));
const int = (min: number, max = Infinity) => z.int().check(z.minimum(min), z.maximum(max));
// An object option left out is parsed as {} (z.prefault), so its fields' own defaults apply and are written once.

const datamixSink = z.strictObject({
  type: z.literal('datamix'),
  apiKey: z.optional(nonEmpty),
  /** A file holding the key, read again when Datamix refuses it (see keyFiles.ts). */
  apiKeyFile: z.optional(nonEmpty),
  url: z._default(url, 'https://datamix.mixbook.com'),
  sessions: sessionsOption,
});

/** What both Initial State APIs share: how a record becomes events, and the request pace. */
const initialStateShared = {
  signal: z._default(z.string().check(z.minLength(1), z.maxLength(100)), 'log'),
  fields: z._default(z.array(nonEmpty), []),
  requestsPerSecond: z._default(z.number().check(z.positive(), z.maximum(1000)), 3),
  maxValueLength: z._default(int(16, 1_000_000), 2000),
};

/** The pre-release logging API (`/api/v1/buckets`, `/batch_logs`): the default. */
const initialStateLoggingSink = z.strictObject({
  type: z.literal('initialstate'),
  api: z._default(z.literal('logging'), 'logging'),
  clientKey: z.optional(nonEmpty),
  /** A file holding the client key, read again when Initial State refuses it (see keyFiles.ts). */
  clientKeyFile: z.optional(nonEmpty),
  bucketName: z.string().check(z.minLength(1), z.maxLength(200, 'must be at most 200 characters (Initial State limit)')),
  bucketId: z.optional(z.uuid()),
  apiUrl: z._default(url, 'https://api.initialstate.com'),
  eventsUrl: z._default(url, 'https://groker.initialstate.com'),
  ...initialStateShared,
});

/** Today's Events API (`/api/buckets`, `/api/events`). */
const initialStateEventsSink = z.strictObject({
  type: z.literal('initialstate'),
  api: z.literal('events'),
  accessKey: z.optional(nonEmpty),
  /** A file holding the access key, read again when Initial State refuses it (see keyFiles.ts). */
  accessKeyFile: z.optional(nonEmpty),
  bucketKey: z.optional(
    z.string().check(
      z.minLength(1),
      z.maxLength(250, 'must be at most 250 characters (Initial State limit)'),
      z.regex(/^[^:"']*$/, `must not contain ':', '"' or "'" (Initial State rule)`),
    ),
  ),
  bucketName: z.optional(z.string().check(z.minLength(1), z.maxLength(250, 'must be at most 250 characters (Initial State limit)'))),
  apiUrl: z._default(url, 'https://groker.init.st/api'),
  /** Initial State's current plans take at most 10 events a request. */
  maxEventsPerRequest: z._default(int(1, 10_000), 10),
  /** Send only the `fields` events, no log event: a dashboard of numbers. */
  fieldsOnly: z._default(z.boolean(), false),
  ...initialStateShared,
});

const initialStateSink = z.discriminatedUnion('api', [initialStateLoggingSink, initialStateEventsSink]);

export const optionsSchema = z.strictObject({
  sink: z.discriminatedUnion('type', [datamixSink, initialStateSink]),
  /** text: message + other fields as JSON; json: the whole record; formatted: the logger's own formatted line (winston's info[MESSAGE]). */
  format: z._default(z.enum(['text', 'json', 'formatted']), 'text'),
  batch: z.prefault(
    z.strictObject({
      maxEvents: z._default(int(1, 100_000), 2000),
      maxBytes: z._default(int(1024, 64 * 1024 * 1024), 1024 * 1024),
      intervalMs: z._default(int(0, 600_000), 1000),
    }),
    {},
  ),
  buffer: z.prefault(
    z.strictObject({
      maxBytes: z._default(int(64 * 1024), 32 * 1024 * 1024),
      whenFull: z._default(z.enum(['drop-oldest', 'drop-newest']), 'drop-oldest'),
      /**
       * While the API answers but is behind, stop taking lines from the logger
       * (pino's and winston's own stream buffers hold them) instead of filling
       * this buffer and dropping. Never during an outage. false: a strict memory bound.
       */
      backpressure: z._default(z.boolean(), true),
    }),
    {},
  ),
  retry: z.prefault(
    z.strictObject({
      baseMs: z._default(int(1), 500),
      maxMs: z._default(int(1), 30_000),
      maxElapsedMs: z._default(int(0), 300_000),
      requestTimeoutMs: z._default(int(100), 15_000),
    }),
    {},
  ),
  spool: z.optional(
    z.strictObject({
      path: nonEmpty,
      maxBytes: z._default(int(1024), 256 * 1024 * 1024),
      /** 'undelivered': only what could not be delivered; 'durable': every record, written ahead (survives kill -9). */
      mode: z._default(z.enum(['undelivered', 'durable']), 'undelivered'),
    }),
  ),
  /** Level name (or number, as a string) → Datamix level; a number value declares a pino custom level. */
  levels: z.optional(z.record(z.string(), z.union([datamixLevel, z.int()]))),
  stale: z._default(z.enum(['drop', 'restamp']), 'drop'),
  handleSignals: z._default(z.boolean(), false),
  allowInsecure: z._default(z.boolean(), false),
  /** How long close() may take at exit before what is left goes to the spool (pino gives its worker ~10 s). */
  exitTimeoutMs: z._default(int(0, 60_000), 8000),
  /** pino: a module path whose default export receives each error report in the worker. */
  onError: z.optional(nonEmpty),
  /** winston: run the core on the main thread instead of a worker. */
  worker: z._default(z.boolean(), true),
  /** Set by pino itself when it will send its level config to the worker. */
  pinoWillSendConfig: z.optional(z.boolean()),
});

/**
 * The options a user writes: what the schema accepts (defaults optional), for
 * createClient, pino's `target: '@logferry/pino'` and winston's LogferryTransport.
 * A misspelt field is a type error: `pino.transport<LogferryOptions>({ target: '@logferry/pino', options })`.
 */
export type LogferryOptions = z.input<typeof optionsSchema>;
/** @deprecated The same type as {@link LogferryOptions}. */
export type LogferryOptionsInput = LogferryOptions;
/** The options after the schema: every default filled in. */
export type ParsedOptions = z.output<typeof optionsSchema>;
export type DatamixSinkOptions = Extract<ParsedOptions['sink'], { type: 'datamix' }> & { apiKey: string };
export type InitialStateSinkOptions = Extract<ParsedOptions['sink'], { api: 'logging' }> & { clientKey: string };
export type InitialStateEventsSinkOptions = Extract<ParsedOptions['sink'], { api: 'events' }> & { accessKey: string };
export type ResolvedOptions = Omit<ParsedOptions, 'sink'> & { sink: DatamixSinkOptions | InitialStateSinkOptions | InitialStateEventsSinkOptions };

/** The environment where there is one (Node); options/ runs in a browser too, which has none. */
function hostEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
}

/**
 * Parses options once at the edge: zod for shape and defaults, then the rules
 * zod cannot say (env fallback for keys, http only to loopback). Errors name the
 * field and what is expected, and never contain a key.
 */
export function parseOptions(input: unknown, env: Record<string, string | undefined> = hostEnv()): ResolvedOptions {
  checkInitialStateApi(input);
  const result = optionsSchema.safeParse(withoutHostKeys(input), { error: english });
  const secrets = secretsOf(input);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(options)';
      return `${path}: ${issue.message}`;
    });
    throw new LogferryError('LOGFERRY_BAD_OPTION', redact(`invalid logferry options — ${lines.join('; ')}`, secrets));
  }
  const options = result.data;
  const sink = options.sink;
  if (sink.type === 'datamix') {
    const apiKey = keyOf(sink, env, keyFileFor('apiKey'));
    if (apiKey === undefined) {
      throw new LogferryError('LOGFERRY_BAD_OPTION', 'sink.apiKey: required (or set sink.apiKeyFile, or the DATAMIX_API_KEY environment variable)');
    }
    checkUrl('sink.url', sink.url, options.allowInsecure);
    return { ...options, sink: { ...sink, apiKey } };
  }
  if (sink.api === 'events') {
    // 30 events a second is less than a busy service logs: holding the logger back would hold it back for good,
    // growing its own stream's memory; so unless asked, the bounded buffer, whenFull and the spool take the rest.
    const backpressure = (input as { buffer?: { backpressure?: boolean } }).buffer?.backpressure ?? false;
    return { ...options, buffer: { ...options.buffer, backpressure }, sink: resolveEventsSink(sink, env, options.allowInsecure) };
  }
  const clientKey = keyOf(sink, env, keyFileFor('clientKey'));
  if (clientKey === undefined) {
    throw new LogferryError('LOGFERRY_BAD_OPTION', 'sink.clientKey: required (or set sink.clientKeyFile, or the IS_CLIENT_KEY environment variable)');
  }
  checkUrl('sink.apiUrl', sink.apiUrl, options.allowInsecure);
  checkUrl('sink.eventsUrl', sink.eventsUrl, options.allowInsecure);
  return { ...options, sink: { ...sink, clientKey } };
}

type EventsSinkInput = Extract<ParsedOptions['sink'], { api: 'events' }>;

/** The Events API's rules zod cannot say: the key from env, a bucket named somehow, every record fitting one request. */
function resolveEventsSink(sink: EventsSinkInput, env: Record<string, string | undefined>, allowInsecure: boolean): InitialStateEventsSinkOptions {
  const accessKey = keyOf(sink, env, keyFileFor('accessKey'));
  if (accessKey === undefined) {
    throw new LogferryError('LOGFERRY_BAD_OPTION', 'sink.accessKey: required (or set sink.accessKeyFile, or the IS_ACCESS_KEY environment variable)');
  }
  if (sink.bucketKey === undefined && sink.bucketName === undefined) {
    throw new LogferryError('LOGFERRY_BAD_OPTION', 'sink.bucketKey: required, or a sink.bucketName to derive a stable one from');
  }
  if (sink.fieldsOnly && sink.fields.length === 0) {
    throw new LogferryError('LOGFERRY_BAD_OPTION', 'sink.fieldsOnly: sends only the events of sink.fields, so list at least one field there');
  }
  const perRecord = sink.fields.length + (sink.fieldsOnly ? 0 : 1);
  if (perRecord > sink.maxEventsPerRequest) {
    throw new LogferryError(
      'LOGFERRY_BAD_OPTION',
      `sink.fields: a record may become ${perRecord} events, more than sink.maxEventsPerRequest (${sink.maxEventsPerRequest}) allows in one request; list fewer fields`,
    );
  }
  checkUrl('sink.apiUrl', sink.apiUrl, allowInsecure);
  return { ...sink, accessKey };
}

/** Options that belong to one Initial State API only; `api` picks the API (the logging one by default). */
const API_ONLY: Record<'logging' | 'events', readonly string[]> = {
  logging: ['clientKey', 'clientKeyFile', 'bucketId', 'eventsUrl'],
  events: ['accessKey', 'accessKeyFile', 'bucketKey', 'maxEventsPerRequest', 'fieldsOnly'],
};

/** One API's keys mixed into the other's sink: say which API each belongs to (zod would only call them unrecognized). */
function checkInitialStateApi(input: unknown): void {
  const sink = typeof input === 'object' && input !== null ? (input as { sink?: unknown }).sink : undefined;
  if (typeof sink !== 'object' || sink === null) return;
  const { type, api = 'logging' } = sink as { type?: unknown; api?: unknown };
  if (type !== 'initialstate' || (api !== 'logging' && api !== 'events')) return;
  const other = api === 'logging' ? 'events' : 'logging';
  const foreign = API_ONLY[other].filter((key) => (sink as Record<string, unknown>)[key] !== undefined);
  if (foreign.length === 0) return;
  const uses = api === 'logging' ? "the logging API (sink.api: 'logging', the default), which takes clientKey, bucketName, bucketId, apiUrl and eventsUrl" : "the Events API (sink.api: 'events'), which takes accessKey, bucketKey, bucketName and apiUrl";
  const fix = api === 'logging' ? "for today's Events API set sink.api: 'events'" : "for the logging API leave sink.api out";
  throw new LogferryError(
    'LOGFERRY_BAD_OPTION',
    `${foreign.map((key) => `sink.${key}`).join(', ')}: ${foreign.length === 1 ? 'an option' : 'options'} of Initial State's ${other} API, but this sink uses ${uses}; ${fix}`,
  );
}

/**
 * A sink's key: the option, else (with its key file) '' until node/keyFile.ts
 * has read the file, else the environment; undefined when there is none.
 * The key and its file together are refused: which one would win is a guess.
 */
function keyOf(sink: Record<string, unknown>, env: Record<string, string | undefined>, spec: KeyFileSpec): string | undefined {
  const key = sink[spec.key];
  if (sink[spec.file] !== undefined) {
    if (key !== undefined) throw new LogferryError('LOGFERRY_BAD_OPTION', `sink.${spec.file}: set sink.${spec.key} or sink.${spec.file}, not both`);
    return '';
  }
  return typeof key === 'string' ? key : env[spec.env] || undefined;
}

/** pino adds its own keys (`$context`, …) to a transport's options: not ours to judge. */
function withoutHostKeys(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const out: Record<string, unknown> = {};
  // setField: an own `__proto__` key must stay a key (plain assignment would make it out's prototype, which zod then trips on).
  for (const [key, value] of Object.entries(input)) if (!key.startsWith('$')) setField(out, key, value);
  return out;
}

function secretsOf(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const sink = (input as { sink?: unknown }).sink;
  if (typeof sink !== 'object' || sink === null) return [];
  const { apiKey, clientKey, accessKey } = sink as { apiKey?: unknown; clientKey?: unknown; accessKey?: unknown };
  return [apiKey, clientKey, accessKey].filter((v): v is string => typeof v === 'string');
}

/** The secrets of resolved options, for redaction. */
export function secretsOfOptions(options: ResolvedOptions): string[] {
  const sink = options.sink;
  if (sink.type === 'datamix') return [sink.apiKey];
  return [sink.api === 'events' ? sink.accessKey : sink.clientKey];
}
