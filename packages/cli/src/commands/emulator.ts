import { spawn } from 'node:child_process';
import { startEmulator } from '@logferry/emulator';
import { printLine } from '../output.js';

/** Opens a URL in the desktop's browser, if there is one; says so when there is not. */
function openInBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`logferry: could not open a browser; open ${url} yourself\n`));
  child.unref();
}

/** `logferry emulator`: the local Datamix + Initial State server and its live page, until SIGINT or SIGTERM. */
export async function emulator(port: number, host: string, open: boolean): Promise<number> {
  const emu = await startEmulator({ port, host });
  printLine(`logferry emulator on ${emu.url} (Datamix key 'test-key', Initial State client key 'test-client-key')`);
  printLine(`viewer: ${emu.url}/`);
  if (open) openInBrowser(`${emu.url}/`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await emu.close();
  return 0;
}
