// The logferry emulator (strict Datamix + Initial State), wrapped to the same
// status interface as the other receivers. Counts accepted Datamix records and
// Initial State events; `lastAt` is the emulator's receivedAt of the newest one.
import { startEmulator } from '@logferry/emulator';

export async function startLogferryEmulator() {
  const emu = await startEmulator({ port: 0 });
  const last = (list) => (list.length > 0 ? list[list.length - 1].receivedAt : 0);
  const view = (api) => {
    const records = api === 'datamix' ? emu.datamix.records : emu.initialState.events;
    const requests = api === 'datamix' ? emu.datamix.requests : emu.initialState.requests;
    return {
      records: records.length,
      requests: requests.length,
      lastAt: last(records),
      errors: emu.violations.length + requests.filter((r) => r.status >= 400 || r.status === 0).length,
      lastError: emu.violations.length > 0 ? `${emu.violations.at(-1).rule}: ${emu.violations.at(-1).detail}` : undefined,
    };
  };
  return {
    url: emu.url,
    datamix: { status: () => view('datamix') },
    initialstate: { status: () => view('initialstate') },
    reset: () => emu.reset(),
    close: () => emu.close(),
  };
}
