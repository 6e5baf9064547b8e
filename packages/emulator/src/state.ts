import type { InitialStateEventsView } from './initialStateEventsTypes.js';
import type { DatamixView, InitialStateView, InjectedFault } from './types.js';
import type { ViolationLog } from './violations.js';

export interface StateSources {
  datamix: DatamixView;
  initialState: InitialStateView;
  initialStateEvents: InitialStateEventsView;
  violations: ViolationLog;
  injected: InjectedFault[];
}

/** The JSON behind GET /_emulator/state. Built from recorded data only, which holds no keys or tokens. */
export function stateSummary(sources: StateSources): Record<string, unknown> {
  const { datamix, initialState, initialStateEvents, violations, injected } = sources;
  return {
    datamix: {
      sessionCreations: datamix.sessionCreations,
      records: datamix.received,
      rejected: datamix.rejectedTotal,
      requests: datamix.requestsTotal,
      sessions: datamix.sessions,
    },
    initialState: {
      bucketCreations: initialState.bucketCreations,
      events: initialState.received,
      requests: initialState.requestsTotal,
      buckets: initialState.buckets,
    },
    initialStateEvents: {
      bucketCreations: initialStateEvents.bucketCreations,
      events: initialStateEvents.received,
      requests: initialStateEvents.requestsTotal,
      buckets: initialStateEvents.buckets,
    },
    violations: violations.list,
    violationsTotal: violations.total,
    faultsInjected: injected.length,
  };
}

/** One line for error messages (waitFor timeouts). */
export function stateLine(sources: StateSources): string {
  const { datamix, initialState, initialStateEvents: isEvents, violations, injected } = sources;
  return (
    `datamix: ${datamix.received} records, ${datamix.rejectedTotal} rejected, ${datamix.sessionCreations} sessions created, ` +
    `${datamix.requestsTotal} requests; initialstate: ${initialState.received} events, ${initialState.bucketCreations} bucket creations, ` +
    `${initialState.requestsTotal} requests; initialstate events API: ${isEvents.received} events, ${isEvents.bucketCreations} bucket creations, ` +
    `${isEvents.requestsTotal} requests; ${violations.total} violations` +
    (violations.list.length > 0 ? ` (${[...new Set(violations.list.map((v) => v.rule))].join(', ')})` : '') +
    `; ${injected.length} faults injected`
  );
}
