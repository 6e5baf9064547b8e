export type LogferryErrorCode =
  | 'LOGFERRY_BAD_OPTION'
  | 'LOGFERRY_INSECURE_URL'
  | 'LOGFERRY_AUTH_FAILED'
  | 'LOGFERRY_QUOTA_EXCEEDED'
  | 'LOGFERRY_GAVE_UP'
  | 'LOGFERRY_DROPPED'
  | 'LOGFERRY_HTTP'
  | 'LOGFERRY_PROTOCOL'
  | 'LOGFERRY_CLOSED'
  | 'LOGFERRY_WORKER'
  | 'LOGFERRY_SPOOL';

/** Every error logferry reports: a stable `code` and a message that says what to do next. */
export class LogferryError extends Error {
  readonly code: LogferryErrorCode;

  constructor(code: LogferryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LogferryError';
    this.code = code;
  }
}

/** Removes every occurrence of the given secrets from a text, so no error can echo a key or a token. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
