import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';
import { LogferryError, redact } from '../errors/logferryError.js';
import { DATAMIX_LEVELS } from '../record/levels.js';
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
  url: z._default(url, 'https://datamix.mixbook.com'),
  sessions: z._default(int(1, 64), 1),
});

const initialStateSink = z.strictObject({
  type: z.literal('initialstate'),
  clientKey: z.optional(nonEmpty),
  bucketName: z.string().check(z.minLength(1), z.maxLength(200, 'must be at most 200 characters (Initial State limit)')),
  bucketId: z.optional(z.uuid()),
  apiUrl: z._default(url, 'https://api.initialstate.com'),
  eventsUrl: z._default(url, 'https://groker.initialstate.com'),
  signal: z._default(z.string().check(z.minLength(1), z.maxLength(100)), 'log'),
  fields: z._default(z.array(nonEmpty), []),
  requestsPerSecond: z._default(z.number().check(z.positive(), z.maximum(1000)), 3),
  maxValueLength: z._default(int(16, 1_000_000), 2000),
});

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

export type LogferryOptionsInput = z.input<typeof optionsSchema>;
export type LogferryOptions = z.output<typeof optionsSchema>;
export type DatamixSinkOptions = Extract<LogferryOptions['sink'], { type: 'datamix' }> & { apiKey: string };
export type InitialStateSinkOptions = Extract<LogferryOptions['sink'], { type: 'initialstate' }> & { clientKey: string };
export type ResolvedOptions = Omit<LogferryOptions, 'sink'> & { sink: DatamixSinkOptions | InitialStateSinkOptions };

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
    const apiKey = sink.apiKey ?? env.DATAMIX_API_KEY;
    if (!apiKey) {
      throw new LogferryError('LOGFERRY_BAD_OPTION', 'sink.apiKey: required (or set the DATAMIX_API_KEY environment variable)');
    }
    checkUrl('sink.url', sink.url, options.allowInsecure);
    return { ...options, sink: { ...sink, apiKey } };
  }
  const clientKey = sink.clientKey ?? env.IS_CLIENT_KEY;
  if (!clientKey) {
    throw new LogferryError('LOGFERRY_BAD_OPTION', 'sink.clientKey: required (or set the IS_CLIENT_KEY environment variable)');
  }
  checkUrl('sink.apiUrl', sink.apiUrl, options.allowInsecure);
  checkUrl('sink.eventsUrl', sink.eventsUrl, options.allowInsecure);
  return { ...options, sink: { ...sink, clientKey } };
}

/** pino adds its own keys (`$context`, …) to a transport's options: not ours to judge. */
function withoutHostKeys(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (!key.startsWith('$')) out[key] = value;
  return out;
}

function secretsOf(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const sink = (input as { sink?: unknown }).sink;
  if (typeof sink !== 'object' || sink === null) return [];
  const { apiKey, clientKey } = sink as { apiKey?: unknown; clientKey?: unknown };
  return [apiKey, clientKey].filter((v): v is string => typeof v === 'string');
}

/** The secrets of resolved options, for redaction. */
export function secretsOfOptions(options: ResolvedOptions): string[] {
  return options.sink.type === 'datamix' ? [options.sink.apiKey] : [options.sink.clientKey];
}
