import { afterEach } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '@logferry/emulator';
import pino from 'pino';
import type { Client } from '@logferry/core';
import { endTransport, type PinoTransport } from './pino.js';

/**
 * Starts emulators, pino transports and core clients for one test, and closes
 * whatever the test left open afterwards (also when it failed half-way).
 */
export function useResources(): {
  emulator(options?: EmulatorOptions): Promise<Emulator>;
  transport(options: Parameters<typeof pino.transport>[0]): PinoTransport;
  client<C extends Client>(client: C): C;
} {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  return {
    async emulator(options) {
      const emu = await startEmulator(options);
      cleanups.push(() => emu.close());
      return emu;
    },
    transport(options) {
      const transport = pino.transport(options);
      let ended = false;
      transport.once('close', () => {
        ended = true;
      });
      cleanups.push(async () => {
        if (!ended) await endTransport(transport);
      });
      return transport;
    },
    client(client) {
      cleanups.push(() => client.close());
      return client;
    },
  };
}
