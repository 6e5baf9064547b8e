// The logferry emulator (strict Datamix + Initial State), wrapped to the same
// status interface as the other receivers. Counts accepted Datamix records and
// Initial State events; `lastAt` is the emulator's receivedAt of the newest one.
// It keeps only the newest 1,000 records, requests and violations (`maxRecords`)
// and counts the rest, as the peers' receivers
// count and keep nothing; every request is still checked in full (JSON, tokens,
// levels, time window, Initial State fields).
import { startEmulator } from '@logferry/emulator';

export async function startLogferryEmulator(datamix = {}) {
  const emu = await startEmulator({ port: 0, maxRecords: 1000, datamix });
  const last = (list) => (list.length > 0 ? list[list.length - 1].receivedAt : 0);
  const view = (api) => {
    const records = api === 'datamix' ? emu.datamix.records : emu.initialState.events;
    const requests = api === 'datamix' ? emu.datamix.requests : emu.initialState.requests;
    return {
      records: api === 'datamix' ? emu.datamix.received : emu.initialState.received,
      requests: api === 'datamix' ? emu.datamix.requestsTotal : emu.initialState.requestsTotal,
      lastAt: last(records),
      errors: emu.violationsTotal + requests.filter((r) => r.status >= 400 || r.status === 0).length,
      lastError: emu.violations.length > 0 ? `${emu.violations.at(-1).rule}: ${emu.violations.at(-1).detail}` : undefined,
    };
  };
  return {
    url: emu.url,
    datamix: { status: () => view('datamix') },
    initialstate: { status: () => view('initialstate') },
    busySessionsPeak: () => emu.datamix.busySessionsPeak,
    reset: () => emu.reset(),
    close: () => emu.close(),
  };
}
