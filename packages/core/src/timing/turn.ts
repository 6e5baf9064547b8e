import { sleep } from './sleep.js';

/** Waits until `nextWait` (ms still to wait, 0 when it is our turn) says go, or `signal` aborts. */
export async function awaitTurn(nextWait: () => number, signal: AbortSignal): Promise<void> {
  for (let wait = nextWait(); wait > 0 && !signal.aborted; wait = nextWait()) await sleep(wait, signal);
}
