import type { ServerResponse } from 'node:http';
import type { Clock } from './clock.js';

/** What a handler decided to answer; the server writes it, or drops it when a fault says "response lost". */
export interface Reply {
  status: number;
  /** JSON-serialised unless `html` is set; omitted for 204. */
  json?: unknown;
  html?: string;
  headers?: Record<string, string>;
}

export function jsonReply(status: number, json: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined ? { status, json } : { status, json, headers };
}

export function errorReply(status: number, error: string): Reply {
  return { status, json: { error } };
}

export function emptyReply(status: number): Reply {
  return { status };
}

/** Writes a reply with a Date header from the server clock: clients estimate the server's time from it. */
export function writeReply(res: ServerResponse, reply: Reply, clock: Clock): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = reply.status;
  res.setHeader('Date', new Date(clock()).toUTCString());
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.html !== undefined) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(reply.html);
    return;
  }
  if (reply.json === undefined || reply.status === 204 || reply.status === 304) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(reply.json));
}
