import type { IncomingMessage } from 'node:http';
import type { FaultController } from '../faults.js';
import { errorReply, jsonReply, type Reply } from '../reply.js';
import type { DatamixView } from '../types.js';

/** What the viewer's fault buttons (and scripts) may ask of POST /_faults. */
export type FaultRequest =
  | { action: 'fail-next'; count?: number; status?: number }
  | { action: '429'; count?: number; retryAfter?: number }
  | { action: 'down'; seconds?: number }
  | { action: 'expire' }
  | { action: 'clear' };

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * Only this machine, and only a same-origin page or a script: the emulator may
 * listen on a LAN address, and any web page could otherwise post to it.
 */
export function faultsAllowed(req: IncomingMessage): string | undefined {
  if (!LOOPBACK.test(req.socket.remoteAddress ?? '')) return 'POST /_faults is for loopback clients only';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) return 'POST /_faults refuses cross-origin requests';
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return 'POST /_faults takes Content-Type: application/json';
  return undefined;
}

function count(value: unknown, fallback: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max ? value : undefined;
}

/** Applies one fault request; a bad one is a 400 naming the field. */
export function applyFault(body: unknown, faults: FaultController, datamix: DatamixView, clock: () => number): Reply {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return errorReply(400, 'body must be a JSON object with an "action"');
  const request = body as Record<string, unknown>;
  switch (request.action) {
    case 'fail-next': {
      const n = count(request.count, 1, 10_000);
      const status = count(request.status, 500, 599);
      if (n === undefined) return errorReply(400, '"count" must be an integer from 1 to 10000');
      if (status === undefined || status < 400) return errorReply(400, '"status" must be an HTTP error status (400-599)');
      faults.failNext(n, { status });
      return jsonReply(200, { applied: 'fail-next', count: n, status });
    }
    case '429': {
      const n = count(request.count, 1, 10_000);
      const retryAfter = count(request.retryAfter, 1, 3600);
      if (n === undefined) return errorReply(400, '"count" must be an integer from 1 to 10000');
      if (retryAfter === undefined) return errorReply(400, '"retryAfter" must be a number of seconds from 1 to 3600');
      faults.failNext(n, { status: 429, retryAfter: String(retryAfter) });
      return jsonReply(200, { applied: '429', count: n, retryAfter });
    }
    case 'down': {
      const seconds = count(request.seconds, 10, 86_400);
      if (seconds === undefined) return errorReply(400, '"seconds" must be an integer from 1 to 86400');
      faults.down(seconds * 1000);
      return jsonReply(200, { applied: 'down', seconds });
    }
    case 'expire': {
      // The session infos in the view are the sessions' own records: ending them here ends the sessions.
      const now = clock();
      let expired = 0;
      for (const session of datamix.sessions) {
        if (session.expiresAt > now) {
          session.expiresAt = now - 1;
          expired++;
        }
      }
      return jsonReply(200, { applied: 'expire', expired });
    }
    case 'clear':
      faults.clear();
      return jsonReply(200, { applied: 'clear' });
    default:
      return errorReply(400, '"action" must be one of fail-next, 429, down, expire, clear');
  }
}
