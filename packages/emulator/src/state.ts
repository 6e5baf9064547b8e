import type { DatamixView, InitialStateView, InjectedFault, Violation } from './types.js';

export interface StateSources {
  datamix: DatamixView;
  initialState: InitialStateView;
  violations: Violation[];
  injected: InjectedFault[];
}

/** The JSON behind GET /_emulator/state. Built from recorded data only, which holds no keys or tokens. */
export function stateSummary(sources: StateSources): Record<string, unknown> {
  const { datamix, initialState, violations, injected } = sources;
  return {
    datamix: {
      sessionCreations: datamix.sessionCreations,
      records: datamix.received,
      rejected: datamix.rejected.length,
      requests: datamix.requests.length,
      sessions: datamix.sessions,
    },
    initialState: {
      bucketCreations: initialState.bucketCreations,
      events: initialState.received,
      requests: initialState.requests.length,
      buckets: initialState.buckets,
    },
    violations,
    faultsInjected: injected.length,
  };
}

/** One line for error messages (waitFor timeouts). */
export function stateLine(sources: StateSources): string {
  const { datamix, initialState, violations, injected } = sources;
  return (
    `datamix: ${datamix.received} records, ${datamix.rejected.length} rejected, ${datamix.sessionCreations} sessions created, ` +
    `${datamix.requests.length} requests; initialstate: ${initialState.received} events, ${initialState.bucketCreations} bucket creations, ` +
    `${initialState.requests.length} requests; ${violations.length} violations` +
    (violations.length > 0 ? ` (${[...new Set(violations.map((v) => v.rule))].join(', ')})` : '') +
    `; ${injected.length} faults injected`
  );
}
