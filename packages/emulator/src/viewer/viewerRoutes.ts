import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../body.js';
import type { Clock } from '../clock.js';
import type { FaultController } from '../faults.js';
import { errorReply, writeReply, type Reply } from '../reply.js';
import type { DatamixView } from '../types.js';
import { applyFault, faultsAllowed } from './faultsRoute.js';
import type { LiveFeed } from './liveFeed.js';
import { VIEWER_CSS, VIEWER_HTML } from './viewerPage.js';
import { VIEWER_JS } from './viewerScript.js';

/** The viewer's own routes: its page and assets, its event stream, and fault injection. None is an API route. */
export type ViewerRoute = 'page' | 'script' | 'style' | 'events' | 'faults';

const PATHS: Record<string, ViewerRoute> = {
  '/': 'page',
  '/_viewer/viewer.js': 'script',
  '/_viewer/viewer.css': 'style',
  '/_emulator/events': 'events',
  '/_faults': 'faults',
};

export type ViewerMatch = { kind: 'viewer'; route: ViewerRoute } | { kind: 'method-not-allowed'; allow: string; api: undefined };

export function matchViewerRoute(method: string, pathname: string): ViewerMatch | undefined {
  const route = PATHS[pathname];
  if (route === undefined) return undefined;
  const allow = route === 'faults' ? 'POST' : 'GET, HEAD';
  if (!allow.split(', ').includes(method)) return { kind: 'method-not-allowed', allow, api: undefined };
  return { kind: 'viewer', route };
}

/** The page may load only its own script and style, and talk only to its own origin. */
const PAGE_SECURITY = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export interface ViewerParts {
  feed: LiveFeed;
  faults: FaultController;
  datamix: DatamixView;
  clock: Clock;
}

function asset(res: ServerResponse, type: string, body: string, clock: Clock): void {
  res.statusCode = 200;
  res.setHeader('Date', new Date(clock()).toUTCString());
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(PAGE_SECURITY)) res.setHeader(name, value);
  res.end(body);
}

/** Serves one viewer route. */
export async function handleViewer(route: ViewerRoute, req: IncomingMessage, res: ServerResponse, parts: ViewerParts): Promise<void> {
  switch (route) {
    case 'page':
      return asset(res, 'text/html; charset=utf-8', VIEWER_HTML, parts.clock);
    case 'script':
      return asset(res, 'text/javascript; charset=utf-8', VIEWER_JS, parts.clock);
    case 'style':
      return asset(res, 'text/css; charset=utf-8', VIEWER_CSS, parts.clock);
    case 'events':
      parts.feed.open(res);
      return;
    case 'faults': {
      const refused = faultsAllowed(req);
      if (refused !== undefined) {
        req.resume();
        writeReply(res, errorReply(403, refused), parts.clock);
        return;
      }
      const body = await readBody(req, 64 * 1024);
      if (body.kind === 'aborted') return;
      let reply: Reply;
      if (body.kind === 'too-large') reply = errorReply(413, 'fault request too large');
      else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.buffer.toString('utf8'));
        } catch {
          parsed = undefined;
        }
        reply = applyFault(parsed, parts.faults, parts.datamix, parts.clock);
      }
      writeReply(res, reply, parts.clock);
      return;
    }
  }
}
