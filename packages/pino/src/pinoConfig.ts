import build from 'pino-abstract-transport';
import type { WorkerStreamSetup } from '@logferry/core';

/** What pino's config message may carry, as far as we read it (unchecked input from pino). */
interface PinoConfigFields {
  levels?: { values?: unknown };
  messageKey?: unknown;
}

/**
 * pino's config handshake: pino posts its levels (custom levels included) and
 * messageKey to the worker before any line, and pino-abstract-transport waits
 * for that message. Only the config is wanted here, so its stream is
 * destroyed at once; the lines go to core's worker stream.
 */
export async function receivePinoConfig(): Promise<Pick<WorkerStreamSetup, 'levels' | 'messageKey'>> {
  const handshake = await build(() => undefined, { expectPinoConfig: true, metadata: false });
  const config = handshake as unknown as PinoConfigFields;
  const values = config.levels?.values;
  const messageKey = config.messageKey;
  handshake.destroy();
  return {
    levels: typeof values === 'object' && values !== null ? { pinoLevels: values as Record<string, number> } : undefined,
    messageKey: typeof messageKey === 'string' ? messageKey : undefined,
  };
}
