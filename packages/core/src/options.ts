import * as z from 'zod';
import { LogferryError, redact } from './errors.js';
import { DATAMIX_LEVELS } from './levels.js';

const datamixLevel = z.enum(DATAMIX_LEVELS);
const url = z.string().url();

const datamixSink = z.strictObject({
  type: z.literal('datamix'),
  apiKey: z.string().min(1).optional(),
  url: url.default('https://datamix.mixbook.com'),
  sessions: z.number().int().min(1).max(64).default(1),
});

const initialStateSink = z.strictObject({
  type: z.literal('initialstate'),
  clientKey: z.string().min(1).optional(),
  bucketName: z.string().min(1).max(200, 'must be at most 200 characters (Initial State limit)'),
  bucketId: z.string().uuid().optional(),
  apiUrl: url.default('https://api.initialstate.com'),
  eventsUrl: url.default('https://groker.initialstate.com'),
  signal: z.string().min(1).max(100).default('log'),
  fields: z.array(z.string().min(1)).default([]),
  requestsPerSecond: z.number().positive().max(1000).default(3),
  maxValueLength: z.number().int().min(16).max(1_000_000).default(2000),
});

export const optionsSchema = z.strictObject({
  sink: z.discriminatedUnion('type', [datamixSink, initialStateSink]),
  /** text: message + other fields as JSON; json: the whole record; formatted: the logger's own formatted line (winston's info[MESSAGE]). */
  format: z.enum(['text', 'json', 'formatted']).default('text'),
  batch: z
    .strictObject({
      maxEvents: z.number().int().min(1).max(100_000).default(2000),
      maxBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
      intervalMs: z.number().int().min(0).max(600_000).default(1000),
    })
    .default({ maxEvents: 2000, maxBytes: 1024 * 1024, intervalMs: 1000 }),
  buffer: z
    .strictObject({
      maxBytes: z.number().int().min(64 * 1024).default(32 * 1024 * 1024),
      whenFull: z.enum(['drop-oldest', 'drop-newest']).default('drop-oldest'),
      /**
       * While the API answers but is behind, stop taking lines from the logger
       * (pino's and winston's own stream buffers hold them) instead of filling
       * this buffer and dropping. Never during an outage. false: a strict memory bound.
       */
      backpressure: z.boolean().default(true),
    })
    .default({ maxBytes: 32 * 1024 * 1024, whenFull: 'drop-oldest', backpressure: true }),
  retry: z
    .strictObject({
      baseMs: z.number().int().min(1).default(500),
      maxMs: z.number().int().min(1).default(30_000),
      maxElapsedMs: z.number().int().min(0).default(300_000),
      requestTimeoutMs: z.number().int().min(100).default(15_000),
    })
    .default({ baseMs: 500, maxMs: 30_000, maxElapsedMs: 300_000, requestTimeoutMs: 15_000 }),
  spool: z
    .strictObject({
      path: z.string().min(1),
      maxBytes: z.number().int().min(1024).default(256 * 1024 * 1024),
    })
    .optional(),
  /** Level name (or number, as a string) → Datamix level; a number value declares a pino custom level. */
  levels: z.record(z.string(), z.union([datamixLevel, z.number().int()])).optional(),
  stale: z.enum(['drop', 'restamp']).default('drop'),
  handleSignals: z.boolean().default(false),
  allowInsecure: z.boolean().default(false),
  /** How long close() may take at exit before what is left goes to the spool (pino gives its worker ~10 s). */
  exitTimeoutMs: z.number().int().min(0).max(60_000).default(8000),
  /** pino: a module path whose default export receives each error report in the worker. */
  onError: z.string().min(1).optional(),
  /** winston: run the core on the main thread instead of a worker. */
  worker: z.boolean().default(true),
  /** Set by pino itself when it will send its level config to the worker. */
  pinoWillSendConfig: z.boolean().optional(),
});

export type LogferryOptionsInput = z.input<typeof optionsSchema>;
export type LogferryOptions = z.output<typeof optionsSchema>;
export type DatamixSinkOptions = Extract<LogferryOptions['sink'], { type: 'datamix' }> & { apiKey: string };
export type InitialStateSinkOptions = Extract<LogferryOptions['sink'], { type: 'initialstate' }> & { clientKey: string };
export type ResolvedOptions = Omit<LogferryOptions, 'sink'> & { sink: DatamixSinkOptions | InitialStateSinkOptions };

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function checkUrl(field: string, value: string, allowInsecure: boolean): void {
  const parsed = new URL(value);
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol !== 'http:') {
    throw new LogferryError('LOGFERRY_BAD_OPTION', `${field}: expected an http(s) URL, got protocol "${parsed.protocol}"`);
  }
  if (!allowInsecure && !LOOPBACK.test(parsed.hostname)) {
    throw new LogferryError(
      'LOGFERRY_INSECURE_URL',
      `${field}: plain http:// is only allowed to a loopback host; use https:// or set allowInsecure: true`,
    );
  }
}

/**
 * Parses options once at the edge: zod for shape and defaults, then the rules
 * zod cannot say (env fallback for keys, http only to loopback). Errors name the
 * field and what is expected, and never contain a key.
 */
export function parseOptions(input: unknown, env: Record<string, string | undefined> = process.env): ResolvedOptions {
  const result = optionsSchema.safeParse(withoutHostKeys(input));
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
