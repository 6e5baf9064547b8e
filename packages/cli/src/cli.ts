import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createClient, errorLine, replaySpool, LogferryError, type LogferryOptions } from '@logferry/core';
import { startEmulator } from '@logferry/emulator';

const USAGE = `logferry — ship logs to Datamix or Initial State

  node app.js | logferry --config logferry.json    ship NDJSON lines from stdin (pino's output)
  logferry replay --config logferry.json --spool path   send a spool file later
  logferry emulator [--port 4318]                  run the local Datamix + Initial State emulator

The config file holds the same options as the transports ({"sink": {...}, ...});
keys may come from DATAMIX_API_KEY / IS_CLIENT_KEY instead.`;

function readConfig(path: string | undefined): Record<string, unknown> {
  if (!path) throw new LogferryError('LOGFERRY_BAD_OPTION', '--config: required (a JSON file with the transport options)');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new LogferryError('LOGFERRY_BAD_OPTION', `--config: could not read ${path}: ${(error as Error).message}`);
  }
}

/** Runs the command with `argv` (without node and the script) and resolves to its exit code; a usage or option error rejects. */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string' }, spool: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const command = positionals[0] ?? 'ship';
  if (command === 'emulator') {
    const emu = await startEmulator({ port: Number(values.port ?? 4318) });
    console.log(`emulator on ${emu.url} (Datamix key 'test-key', Initial State key 'test-client-key'); open it in a browser`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await emu.close();
    return 0;
  }
  if (command === 'replay') {
    if (!values.spool) throw new LogferryError('LOGFERRY_BAD_OPTION', '--spool: required (the spool file to send)');
    const result = await replaySpool({ ...readConfig(values.config), path: values.spool, onError: (e) => process.stderr.write(errorLine(e)) });
    console.log(JSON.stringify(result));
    return result.incomplete ? 1 : 0;
  }
  if (command !== 'ship') {
    console.error(USAGE);
    return 2;
  }
  // A JSON file is untyped: createClient's schema checks it at run time and names a wrong field.
  const client = createClient(readConfig(values.config) as LogferryOptions, {
    exitHooks: false,
    onError: (e) => process.stderr.write(errorLine(e)),
  });
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    client.logLine(line);
    process.stdout.write(`${line}\n`);
    // The API is up but behind: stop reading stdin for a moment rather than drop lines.
    const wait = client.capacity();
    if (wait) await wait;
  }
  await client.close();
  const stats = client.stats();
  return stats.dropped > 0 ? 1 : 0;
}
