import type { Stats } from '@logferry/core';

/**
 * The messages between the winston transport and its worker, beside the log
 * lines. Main → worker goes through thread-stream's documented
 * `stream.emit('message', msg)` (its README, "Post Messages"), which the
 * worker reads on `parentPort`; worker → main is thread-stream's documented
 * EVENT message, emitted on the stream under `name`.
 */

/** The transport's event for an error report from the worker: `(report)`. */
export const ERROR_EVENT = 'logferry:error';
/** The transport's event answering a stats request: `(id, stats)`. */
export const STATS_EVENT = 'logferry:stats';

export interface ErrorReport {
  code: string;
  message: string;
}

/** Asks the worker for its counters; answered by STATS_EVENT with the same id. */
export interface StatsRequest {
  code: 'LOGFERRY_STATS';
  id: number;
}

export function statsRequest(id: number): StatsRequest {
  return { code: 'LOGFERRY_STATS', id };
}

/** Tells the worker when the transport's close must be done (see WorkerStream.closeBy). */
export interface CloseByRequest {
  code: 'LOGFERRY_CLOSE_BY';
  at: number;
}

export function closeByRequest(at: number): CloseByRequest {
  return { code: 'LOGFERRY_CLOSE_BY', at };
}

export function isCloseByRequest(message: unknown): message is CloseByRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { code, at } = message as { code?: unknown; at?: unknown };
  return code === 'LOGFERRY_CLOSE_BY' && typeof at === 'number';
}

/** thread-stream's own messages (FLUSH and others) share the port: only ours pass. */
export function isStatsRequest(message: unknown): message is StatsRequest {
  if (typeof message !== 'object' || message === null) return false;
  const { code, id } = message as { code?: unknown; id?: unknown };
  return code === 'LOGFERRY_STATS' && typeof id === 'number';
}

/** thread-stream's EVENT message: the stream in the main thread emits `name` with `args`. */
interface EventMessage {
  code: 'EVENT';
  name: string;
  args: unknown[];
}

export function errorEvent(report: ErrorReport): EventMessage {
  return { code: 'EVENT', name: ERROR_EVENT, args: [report] };
}

export function statsEvent(id: number, stats: Stats | Pick<Stats, 'dropped'>): EventMessage {
  return { code: 'EVENT', name: STATS_EVENT, args: [id, stats] };
}
