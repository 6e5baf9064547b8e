import { LogferryError } from '../errors/logferryError.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Plain http:// only to a loopback host unless allowInsecure; a LogferryError naming `field` otherwise. */
export function checkUrl(field: string, value: string, allowInsecure: boolean): void {
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
