import type { IncomingMessage } from 'node:http';

/** What reading a request body produced. Past the limit the rest is drained (counted, not kept). */
export type BodyRead =
  | { kind: 'complete'; bytes: number; buffer: Buffer }
  | { kind: 'too-large'; bytes: number }
  | { kind: 'aborted'; bytes: number };

/**
 * Reads a body keeping at most `limit` bytes. A larger body is still read to its end so the
 * 413 reaches a client that is still uploading, instead of a reset it cannot interpret.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let overflow = false;
    let settled = false;
    const settle = (result: BodyRead): void => {
      if (settled) return;
      settled = true;
      chunks.length = 0;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (overflow) return;
      if (bytes > limit) {
        overflow = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (overflow) settle({ kind: 'too-large', bytes });
      else settle({ kind: 'complete', bytes, buffer: Buffer.concat(chunks) });
    });
    req.on('error', () => settle({ kind: 'aborted', bytes }));
    req.on('close', () => {
      if (!req.complete) settle({ kind: 'aborted', bytes });
    });
  });
}

export type JsonParse = { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'invalid'; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes strict UTF-8 and parses JSON; never throws. */
export function parseJson(buffer: Buffer): JsonParse {
  if (buffer.length === 0) return { kind: 'empty' };
  let text: string;
  try {
    text = utf8.decode(buffer);
  } catch {
    return { kind: 'invalid', reason: 'body is not valid UTF-8' };
  }
  if (text.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'invalid', reason: 'body is not valid JSON' };
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when the Content-Type header names application/json (parameters such as charset allowed). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  return (header.split(';')[0] ?? '').trim().toLowerCase() === 'application/json';
}
