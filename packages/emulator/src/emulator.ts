import { createClock } from './clock.js';
import { DatamixCors } from './cors.js';
import { DatamixService } from './datamix.js';
import { FaultController } from './faults.js';
import { InitialStateService } from './initialState.js';
import { InitialStateEventsService } from './initialStateEvents.js';
import { resolveOptions } from './options.js';
import { EmulatorServer } from './server.js';
import { stateLine } from './state.js';
import type { Emulator, EmulatorOptions } from './types.js';
import { ViolationLog } from './violations.js';
import { waitFor } from './waitFor.js';

/** Starts a strict Datamix + Initial State server on one port (ephemeral by default). */
export async function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const clock = createClock(resolved.clockOffsetMs);
  const violations = new ViolationLog(clock, resolved.datamix.maxRecords);
  const datamix = new DatamixService(resolved.datamix, clock, violations);
  const initialState = new InitialStateService(resolved.initialState, clock, violations);
  const faults = new FaultController((ms) => {
    datamix.sessionTtlMs = ms;
  });
  datamix.refusedKeys = faults.refusedKeys;
  initialState.refusedKeys = faults.refusedKeys;
  const initialStateEvents = new InitialStateEventsService(resolved.initialStateEvents, clock, violations, faults.eventQuota);
  initialStateEvents.refusedKeys = faults.refusedKeys;
  const cors = new DatamixCors(clock, violations, resolved.datamix.maxRecords);
  const server = new EmulatorServer({ options: resolved, clock, datamix, initialState, initialStateEvents, faults, violations, cors });
  const port = await server.listen();
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const sources = { datamix: datamix.view, initialState: initialState.view, initialStateEvents: initialStateEvents.view, violations, injected: faults.injected };

  return {
    url: `http://${host}:${port}`,
    port,
    close: () => server.close(),
    datamix: datamix.view,
    initialState: initialState.view,
    initialStateEvents: initialStateEvents.view,
    violations: violations.list,
    get violationsTotal() {
      return violations.total;
    },
    faults,
    cors,
    waitFor: (predicate, timeoutMs = 30_000) => waitFor(predicate, timeoutMs, () => stateLine(sources)),
    reset() {
      datamix.reset();
      initialState.reset();
      initialStateEvents.reset();
      violations.clear();
      cors.clear();
      faults.clear();
      faults.injected.length = 0;
    },
  };
}
