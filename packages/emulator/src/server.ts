import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { readBody } from './body.js';
import type { ApiCall } from './call.js';
import type { Clock } from './clock.js';
import type { DatamixCors } from './cors.js';
import type { DatamixService } from './datamix.js';
import type { FaultController, FaultDecision } from './faults.js';
import type { InitialStateService } from './initialState.js';
import type { InitialStateEventsService } from './initialStateEvents.js';
import type { ResolvedOptions } from './options.js';
import { errorReply, jsonReply, writeReply, type Reply } from './reply.js';
import { matchRoute, type ApiRoute } from './routes.js';
import { stateSummary, type StateSources } from './state.js';
import type { ViolationLog } from './violations.js';
import { LiveFeed } from './viewer/liveFeed.js';
import { handleViewer } from './viewer/viewerRoutes.js';

export interface ServerParts {
  options: ResolvedOptions;
  clock: Clock;
  datamix: DatamixService;
  initialState: InitialStateService;
  initialStateEvents: InitialStateEventsService;
  faults: FaultController;
  violations: ViolationLog;
  cors: DatamixCors;
}

/** Status recorded for a request that never got a response (reset, outage, hang, client abort). */
const NO_RESPONSE = 0;

/**
 * The HTTP plumbing: routing, faults around the handlers, request accounting, and a close() that cannot hang
 * because every socket is tracked and destroyed.
 */
export class EmulatorServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closing: Promise<void> | undefined;
  /** The viewer's event stream: told after every API request. */
  private readonly feed: LiveFeed;

  constructor(private readonly parts: ServerParts) {
    this.feed = new LiveFeed(this.sources, parts.clock);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.internalError(res, undefined, error));
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  listen(): Promise<number> {
    const { port, host } = this.parts.options;
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.feed.close();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private get sources(): StateSources {
    const { datamix, initialState, initialStateEvents, violations, faults } = this.parts;
    return { datamix: datamix.view, initialState: initialState.view, initialStateEvents: initialStateEvents.view, violations, injected: faults.injected };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A client that disappears mid-request must not surface as an unhandled 'error' event.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://emulator.invalid');
    } catch {
      req.resume();
      this.write(res, errorReply(400, 'malformed request target'));
      return;
    }
    if (this.parts.cors.intercept(req, res, url.pathname)) return;
    const match = matchRoute(req.method ?? '', url.pathname);
    // Only API requests and POST /_faults have a body to read.
    if (match.kind !== 'api' && !(match.kind === 'viewer' && match.route === 'faults')) req.resume();
    switch (match.kind) {
      case 'viewer':
        await handleViewer(match.route, req, res, { feed: this.feed, faults: this.parts.faults, datamix: this.parts.datamix.view, clock: this.parts.clock });
        return;
      case 'state':
        this.write(res, jsonReply(200, stateSummary(this.sources)));
        return;
      case 'versions':
        this.write(res, this.parts.initialStateEvents.versions());
        return;
      case 'not-found':
        this.write(res, errorReply(404, `no such endpoint: ${req.method ?? ''} ${url.pathname}`));
        return;
      case 'method-not-allowed':
        this.write(res, { status: 405, json: { error: `method ${req.method ?? ''} not allowed; use ${match.allow}` }, headers: { Allow: match.allow } });
        if (match.api !== undefined) this.record(match.api, url.pathname, 405, 0);
        return;
      case 'api':
        await this.handleApi(match.route, url, req, res);
        return;
    }
  }

  private async handleApi(route: ApiRoute, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = url.pathname;
    const decision = this.parts.faults.decide(route.path, pathname);
    if (decision.kind === 'down' || decision.kind === 'reset-before') {
      req.socket.destroy();
      this.record(route.api, pathname, NO_RESPONSE, 0);
      return;
    }
    if (decision.kind === 'hang') {
      // Never processed, never answered: the body is drained and the socket is left until the client gives up.
      req.resume();
      this.record(route.api, pathname, NO_RESPONSE, 0);
      return;
    }

    const { options } = this.parts;
    const limit =
      route.path === 'batch_logs'
        ? Math.min(options.maxBodyBytes, options.initialState.maxBodyBytes)
        : route.path === 'api/events'
          ? Math.min(options.maxBodyBytes, options.initialStateEvents.maxBodyBytes)
          : options.maxBodyBytes;
    const body = await readBody(req, limit);
    if (body.kind === 'aborted' || this.closing !== undefined) {
      this.record(route.api, pathname, NO_RESPONSE, body.bytes);
      return;
    }
    if (decision.kind === 'fail') {
      this.write(res, this.failReply(decision));
      this.record(route.api, pathname, decision.status, body.bytes);
      return;
    }

    const call: ApiCall = {
      query: url.searchParams,
      headers: req.headers,
      body,
      beforeProcessing: decision.kind === 'delay' ? () => this.sleep(decision.ms) : () => Promise.resolve(),
    };
    let reply: Reply;
    try {
      reply = await this.dispatch(route, call);
    } catch (error) {
      this.internalError(res, route, error);
      this.record(route.api, pathname, 500, body.bytes);
      return;
    }
    if (decision.kind === 'reset-after') {
      // "Response lost": the work is done (records kept, token rotated) but the client never hears about it.
      req.socket.destroy();
      this.record(route.api, pathname, NO_RESPONSE, body.bytes);
      return;
    }
    this.write(res, reply);
    this.record(route.api, pathname, reply.status, body.bytes);
  }

  private dispatch(route: ApiRoute, call: ApiCall): Promise<Reply> {
    switch (route.path) {
      case 'sessions':
        return this.parts.datamix.createSession(call);
      case 'logs':
        return this.parts.datamix.postLogs(route.destination, call);
      case 'buckets':
        return this.parts.initialState.createBucket(call);
      case 'batch_logs':
        return this.parts.initialState.batchLogs(call);
      case 'api/buckets':
        return this.parts.initialStateEvents.createBucket(call);
      case 'api/events':
        return this.parts.initialStateEvents.postEvents(call);
    }
  }

  private failReply(decision: Extract<FaultDecision, { kind: 'fail' }>): Reply {
    const headers: Record<string, string> = {};
    if (decision.retryAfter !== undefined) headers['Retry-After'] = decision.retryAfter;
    return { status: decision.status, json: decision.body ?? { error: `injected fault: status ${decision.status}` }, headers };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** Once per API request, with its final status: counted, and the violations it added trimmed to the newest maxRecords. */
  private record(api: ApiRoute['api'], path: string, status: number, bytes: number): void {
    if (api === 'datamix') this.parts.datamix.recordRequest(path, status);
    else if (api === 'initialstate-events') this.parts.initialStateEvents.recordRequest(path, status, bytes, this.parts.clock());
    else this.parts.initialState.recordRequest(path, status, bytes, this.parts.clock());
    this.parts.violations.trim();
    this.feed.changed();
  }

  private internalError(res: ServerResponse, route: ApiRoute | undefined, error: unknown): void {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.parts.violations.add(route?.api ?? 'datamix', 'internal', detail);
    this.parts.violations.trim();
    this.write(res, errorReply(500, 'internal error'));
  }

  private write(res: ServerResponse, reply: Reply): void {
    if (this.closing !== undefined) return;
    try {
      writeReply(res, reply, this.parts.clock);
    } catch {
      // Writing can only fail on a socket that is already gone; there is nobody left to tell.
      res.destroy();
    }
  }
}
