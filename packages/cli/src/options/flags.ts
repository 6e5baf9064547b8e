import type { OptionLeaf } from './optionLeaves.js';

/*
 * The one table that turns option paths into flags. The rule: drop `sink.`,
 * kebab-case the rest (`batch.maxEvents` → `--batch-max-events`); the
 * environment variable is LOGFERRY_ + the flag in upper snake case. Only
 * the exceptions are written down here.
 */

/** Shorter names people type. */
const RENAMED: Record<string, string> = { 'sink.bucketName': 'bucket', 'spool.path': 'spool' };

/** Options that mean nothing to a command (it handles signals itself, it is no pino or winston host). */
const NOT_FOR_THE_COMMAND = new Set(['handleSignals', 'onError', 'worker', 'pinoWillSendConfig']);

/** A credential never goes on the command line (any user can read it with ps): its flag names the environment variable that holds it. */
const SECRET = /(?:apiKey|clientKey|accessKey|token|secret|password)$/;

/** A few words for --help; an option without them shows its path, type and default. */
const DESCRIPTIONS: Record<string, string> = {
  'sink.apiKey': 'the environment variable holding the API key (default DATAMIX_API_KEY)',
  'sink.clientKey': 'the environment variable holding the client key (default IS_CLIENT_KEY)',
  'sink.accessKey': 'Events API: the environment variable holding the access key (default IS_ACCESS_KEY)',
  'sink.url': 'Datamix base URL',
  'sink.sessions': 'parallel sessions, each about 5 MB/s',
  'sink.bucketName': 'bucket name',
  'sink.bucketId': 'bucket id (default: a stable UUID from the name)',
  'sink.apiUrl': 'Initial State base URL (logging API: https://api.initialstate.com; Events API: https://groker.init.st/api)',
  'sink.eventsUrl': 'Initial State events URL',
  'sink.api': "Initial State API: logging (the default) or events (today's Events API)",
  'sink.bucketKey': 'Events API bucket key (default: a stable id from the bucket name)',
  'sink.maxEventsPerRequest': 'Events API: events per request at most (current plans: 10)',
  'sink.fieldsOnly': 'Events API: send only the fields, no log event',
  'sink.apiKeyFile': 'a file holding the API key, read again on rotation',
  'sink.clientKeyFile': 'a file holding the client key, read again on rotation',
  'sink.accessKeyFile': 'a file holding the access key, read again on rotation',
  'spool.mode': 'durable: every record written ahead (survives kill -9); drained on the next start',
  'sink.signal': 'signal name of the log event',
  'sink.fields': 'fields also sent as their own signals (comma-separated)',
  'batch.maxEvents': 'records per request at most',
  'batch.intervalMs': 'how long a batch waits to fill',
  'spool.path': 'file that keeps what could not be delivered (send it later with logferry replay)',
  levels: 'level map overrides, e.g. audit=warn,trace=debug',
  stale: 'records outside the time window: drop or restamp',
  exitTimeoutMs: 'at EOF or SIGTERM, how long delivery may take before the rest is spooled',
  allowInsecure: 'allow plain http:// to a non-loopback host',
  format: 'message text: text, json or formatted',
};

export interface Flag {
  leaf: OptionLeaf;
  /** Without the dashes: 'batch-max-events'. */
  name: string;
  /** 'LOGFERRY_BATCH_MAX_EVENTS'. */
  env: string;
  /** The value is the name of an environment variable that holds the secret. */
  secret: boolean;
  description: string;
}

function kebab(segments: readonly string[]): string {
  return segments.map((s) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join('-');
}

export function envName(flag: string): string {
  return `LOGFERRY_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function describe(leaf: OptionLeaf, path: string): string {
  const words = DESCRIPTIONS[path];
  const facts = [...(leaf.choices ? [] : [leaf.kind]), ...(leaf.defaultValue !== undefined && typeof leaf.defaultValue !== 'object' ? [`default ${String(leaf.defaultValue)}`] : [])];
  return `${words ? `${words}; ` : ''}${path} (${facts.join(', ')})`;
}

/** The flags for every leaf a command can set; a name two paths would share goes to the second as its full path. */
export function flagsFor(leaves: readonly OptionLeaf[]): Flag[] {
  const taken = new Set(['config', 'tee', 'quiet', 'help', 'expect', 'version']);
  const flags: Flag[] = [];
  for (const leaf of leaves) {
    const path = leaf.path.join('.');
    if (NOT_FOR_THE_COMMAND.has(path)) continue;
    const last = leaf.path[leaf.path.length - 1] ?? '';
    const secret = leaf.kind === 'string' && SECRET.test(last);
    const base = RENAMED[path] ?? kebab(leaf.path[0] === 'sink' ? leaf.path.slice(1) : leaf.path);
    let name = secret ? `${base}-env` : base;
    if (taken.has(name)) name = kebab(leaf.path) + (secret ? '-env' : '');
    taken.add(name);
    flags.push({ leaf, name, env: envName(name), secret, description: describe(leaf, path) });
  }
  return flags;
}

/** Whether a flag applies to a sink type. */
export function appliesTo(flag: Flag, sinkType: string): boolean {
  return flag.leaf.variants === undefined || flag.leaf.variants.includes(sinkType);
}

/** Whether an option's name is a credential's. */
export function isSecretName(name: string): boolean {
  return SECRET.test(name);
}
