import type { ApiName } from './types.js';
import { matchViewerRoute, type ViewerRoute } from './viewer/viewerRoutes.js';

export type ApiRoute =
  | { api: 'datamix'; path: 'sessions' }
  | { api: 'datamix'; path: 'logs'; destination: string }
  | { api: 'initialstate'; path: 'buckets' }
  | { api: 'initialstate'; path: 'batch_logs' }
  | { api: 'initialstate-events'; path: 'api/buckets' }
  | { api: 'initialstate-events'; path: 'api/events' };

export type RouteMatch =
  | { kind: 'api'; route: ApiRoute }
  | { kind: 'viewer'; route: ViewerRoute }
  | { kind: 'state' }
  | { kind: 'versions' }
  | { kind: 'method-not-allowed'; allow: string; api: ApiName | undefined }
  | { kind: 'not-found' };

const LOGS_PATH = /^\/destinations\/([^/]+)\/logs$/;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape cannot name any destination; the raw text fails the destination check.
    return segment;
  }
}

function apiRoute(pathname: string): ApiRoute | undefined {
  if (pathname === '/sessions') return { api: 'datamix', path: 'sessions' };
  if (pathname === '/api/v1/buckets') return { api: 'initialstate', path: 'buckets' };
  if (pathname === '/batch_logs') return { api: 'initialstate', path: 'batch_logs' };
  if (pathname === '/api/buckets') return { api: 'initialstate-events', path: 'api/buckets' };
  if (pathname === '/api/events') return { api: 'initialstate-events', path: 'api/events' };
  const logs = LOGS_PATH.exec(pathname);
  if (logs?.[1] !== undefined) return { api: 'datamix', path: 'logs', destination: decodeSegment(logs[1]) };
  return undefined;
}

export function matchRoute(method: string, pathname: string): RouteMatch {
  const route = apiRoute(pathname);
  if (route !== undefined) {
    return method === 'POST' ? { kind: 'api', route } : { kind: 'method-not-allowed', allow: 'POST', api: route.api };
  }
  if (pathname === '/api/versions') {
    return method === 'GET' || method === 'HEAD' ? { kind: 'versions' } : { kind: 'method-not-allowed', allow: 'GET, HEAD', api: 'initialstate-events' };
  }
  const viewer = matchViewerRoute(method, pathname);
  if (viewer !== undefined) return viewer;
  if (pathname === '/_emulator/state') {
    if (method !== 'GET' && method !== 'HEAD') return { kind: 'method-not-allowed', allow: 'GET, HEAD', api: undefined };
    return { kind: 'state' };
  }
  return { kind: 'not-found' };
}
