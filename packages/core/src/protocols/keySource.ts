import { LogferryError } from '../errors/logferryError.js';
import type { SendResult } from './sink.js';

/**
 * Where a sink gets its key when the key comes from a file the platform
 * rewrites on rotation (`sink.apiKeyFile`, `sink.clientKeyFile`, `sink.accessKeyFile`). The
 * protocol asks for the current key before each request that carries one,
 * and says when the server refused it or took it; reading the file, and how
 * often, is the source's business (node/keyFile.ts).
 */
export interface KeySource {
  /** The option it comes from, for messages: `sink.apiKeyFile`. */
  readonly field: string;
  /** The key to send now. */
  current(): string;
  /**
   * The server refused current(). Returns how long to wait before the next
   * attempt (0: a different key was read, try it now), and whether to report
   * it (once per streak of refusals, and not when a new key is tried at once).
   */
  refused(): { retryInMs: number; report: boolean };
  /** The server took current(). */
  accepted(): void;
}

/**
 * What a refused key comes to, the same for every API: without a key file,
 * the sink's fatal answer (nothing more is sent); with one, a retry: at once
 * when the file holds a new key, otherwise when the file may be read again.
 * One error is reported per refusal streak; the later ones are quiet. The
 * records wait meanwhile (the bounded buffer, then the spool).
 */
type Refused = Extract<SendResult, { kind: 'retry' | 'fatal' }>;

export function keyRefused(keys: KeySource | undefined, fatal: Extract<SendResult, { kind: 'fatal' }>, api: string, status: number): Refused {
  if (!keys) return fatal;
  const { retryInMs, report } = keys.refused();
  const error = new LogferryError(
    'LOGFERRY_AUTH_FAILED',
    `${api} refused the key from ${keys.field} (HTTP ${status}); watching the file: it is read again when ${api} refuses its key, at most every 30 s, until a key is accepted; records wait in the buffer, then the spool`,
  );
  return retryInMs === 0 ? { kind: 'retry', error, immediate: true, quiet: true } : { kind: 'retry', error, retryAfterMs: retryInMs, quiet: !report };
}

/** Which key of which API: for the one wording of a refused key. */
export interface KeyName {
  api: 'Datamix' | 'Initial State';
  /** 'API key', 'client key', 'access key'. */
  what: string;
  option: string;
  env: string;
}

/** A refused key without a key file, the same words for every API: what was refused, where, and what to check. Never the key. */
export function keyRefusedFatal(name: KeyName, status: number, where: string): Extract<SendResult, { kind: 'fatal' }> {
  return {
    kind: 'fatal',
    error: new LogferryError(
      'LOGFERRY_AUTH_FAILED',
      `${name.api} refused the ${name.what} (HTTP ${status} on ${where}): check ${name.option} or ${name.env}; logs are not being delivered`,
    ),
  };
}
