// The `logferry` command as a user runs it: a child process with stdin, stdout,
// stderr, the environment and an exit code, against the emulator on 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@logferry/emulator';

const BIN = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell, minus anything logferry reads, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOGFERRY_') && !['DATAMIX_API_KEY', 'IS_CLIENT_KEY', 'IS_ACCESS_KEY'].includes(k)));
  return { ...base, ...env };
}

function run(args: string[], input = '', env: Record<string, string> = {}): Promise<Run> {
  return collect(process.execPath, [BIN, ...args], input, env);
}

/** Runs `file` with the user's clean environment plus `env`, feeds it `input`, and collects what it printed. */
function collect(file: string, args: string[], input: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: cleanEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A usage error exits before reading stdin: EPIPE on the pipe is no failure (the exit code and stderr say).
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** The command with --tee and stdin left open: `echoed` once `lines` lines came back on stdout, `closed` with the exit code. */
function teeing(args: string[], lines: number) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: cleanEnv({ DATAMIX_API_KEY: 'test-key' }) });
  child.stdin.on('error', () => {}); // a command that ended early: `echoed` fails the test with its output
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const echoed = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.split('\n').length > lines) resolve();
    });
    // A command that ends first fails the test with what it said, rather than leaving it to time out.
    child.on('close', (code) => reject(new Error(`exited ${code} before echoing ${lines} lines: ${stderr}`)));
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, echoed, closed, stderr: () => stderr };
}

/** An error is one line on stderr: no stack trace, never the key. */
function expectOneCleanLine(stderr: string, ...secrets: string[]): void {
  const lines = stderr.trim().split('\n');
  expect(lines.filter((l) => l.startsWith('[logferry] ')).length).toBeGreaterThanOrEqual(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  for (const secret of secrets) expect(stderr).not.toContain(secret);
}

const pinoLines = (n: number, msg = 'piped'): string =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ level: 30 + (i % 3) * 10, time: Date.now(), pid: 1, hostname: 'h', msg, n: i })).join('\n') + '\n';

let emu: Emulator;
let dir: string;
beforeEach(async () => {
  emu = await startEmulator();
  dir = mkdtempSync(join(tmpdir(), 'logferry-cli-'));
});
afterEach(async () => {
  await emu.close();
});

describe('--help', () => {
  it('explains the commands, the exit codes, and every flag with its environment variable', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const word of ['datamix', 'initialstate', 'check', 'replay', 'emulator', 'Exit codes', 'LOGFERRY_BATCH_MAX_EVENTS']) expect(top.stdout).toContain(word);
    const datamix = await run(['datamix', '--help']);
    expect(datamix.code).toBe(0);
    for (const flag of ['--api-key-env <VAR>', '--url <url>', '--sessions <n>', '--batch-max-events <n>', '--spool <path>', '--stale <choice>', '--levels', '--tee', '--config <file>']) {
      expect(datamix.stdout).toContain(flag);
    }
    expect(datamix.stdout).toContain('[LOGFERRY_BATCH_MAX_EVENTS]');
    expect(datamix.stdout).not.toContain('--bucket'); // Initial State's own
    const initialstate = await run(['initialstate', '--help']);
    for (const flag of ['--bucket <bucket-name>', '--api-url <api-url>', '--events-url <events-url>', '--client-key-env <VAR>', '--fields']) expect(initialstate.stdout).toContain(flag);
  });
});

describe('pipe mode', () => {
  it('ships pino NDJSON, winston JSON and plain text from stdin; stdout stays empty without --tee; exit 0', async () => {
    const winston = JSON.stringify({ level: 'warn', message: 'from winston', timestamp: new Date().toISOString() });
    const input = `${pinoLines(30)}${winston}\nplain text line\n`;
    const result = await run(['datamix', '--url', emu.url, '--batch-interval-ms', '50'], input, { DATAMIX_API_KEY: 'test-key' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^logferry: 32 delivered, 0 rejected, 0 spooled, 0 dropped\n$/);
    expect(emu.datamix.records).toHaveLength(32);
    const messages = emu.datamix.records.map((r) => r.message);
    expect(messages).toContain('plain text line');
    expect(messages).toContain('from winston');
    expect(emu.datamix.records.find((r) => r.message === 'from winston')?.level).toBe('warn');
    expect(new Set(emu.datamix.records.map((r) => r.level))).toEqual(new Set(['info', 'warn', 'error']));
    expect(emu.violations).toEqual([]);
  });

  it('--tee passes every line through to stdout, unchanged and in order', async () => {
    const input = `${pinoLines(20)}plain\n`;
    const result = await run(['datamix', '--url', emu.url, '--tee', '--quiet'], input, { DATAMIX_API_KEY: 'test-key' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(input);
    expect(result.stderr).toBe('');
    expect(emu.datamix.records).toHaveLength(21);
  });

  it('--api-key-env names the variable that holds the key', async () => {
    const result = await run(['datamix', '--url', emu.url, '--api-key-env', 'MY_DATAMIX_KEY', '--quiet'], pinoLines(5), { MY_DATAMIX_KEY: 'test-key' });
    expect(result.code).toBe(0);
    expect(emu.datamix.records).toHaveLength(5);
    const missing = await run(['datamix', '--url', emu.url, '--api-key-env', 'NOT_SET_ANYWHERE'], pinoLines(1));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('[logferry] LOGFERRY_USAGE: --api-key-env: the environment variable NOT_SET_ANYWHERE is not set\n');
  });

  it('flags win over LOGFERRY_ variables, which win over the --config file (JSON and YAML)', async () => {
    const json = join(dir, 'logferry.json');
    writeFileSync(json, JSON.stringify({ sink: { type: 'initialstate', bucketName: 'from-file', apiUrl: emu.url, eventsUrl: emu.url }, batch: { intervalMs: 50 } }));
    const yaml = join(dir, 'logferry.yaml');
    writeFileSync(yaml, `sink:\n  bucketName: from-yaml\n  apiUrl: ${emu.url}\n  eventsUrl: ${emu.url}\nbatch:\n  intervalMs: 50\n`);
    const key = { IS_CLIENT_KEY: 'test-client-key' };
    const bucketsOf = () => new Set(emu.initialState.events.map((e) => e.b));

    expect((await run(['initialstate', '--config', json, '--quiet'], 'one\n', key)).code).toBe(0);
    expect(bucketsOf()).toEqual(new Set(['from-file']));
    emu.reset();
    expect((await run(['initialstate', '--quiet'], 'one\n', { ...key, LOGFERRY_CONFIG: yaml })).code).toBe(0);
    expect(bucketsOf()).toEqual(new Set(['from-yaml']));
    emu.reset();
    expect((await run(['initialstate', '--config', json, '--quiet'], 'one\n', { ...key, LOGFERRY_BUCKET: 'from-env' })).code).toBe(0);
    expect(bucketsOf()).toEqual(new Set(['from-env']));
    emu.reset();
    expect((await run(['initialstate', '--config', json, '--bucket', 'from-flag', '--quiet'], 'one\n', { ...key, LOGFERRY_BUCKET: 'from-env' })).code).toBe(0);
    expect(bucketsOf()).toEqual(new Set(['from-flag']));
    // A field the file does not set comes from the environment, one the file sets is overridden field by field.
    emu.reset();
    const result = await run(['initialstate', '--config', json, '--quiet'], 'one\n', { ...key, LOGFERRY_SIGNAL: 'env-signal', LOGFERRY_BATCH_INTERVAL_MS: '20' });
    expect(result.code).toBe(0);
    expect(emu.initialState.events.map((e) => [e.b, e.sn])).toEqual([['from-file', 'env-signal']]);
  });

  it('backpressure: a slow API pauses reading stdin instead of overflowing a small buffer; nothing dropped', async () => {
    emu.faults.delayNext(10_000, 20, { path: 'logs' });
    const n = 20_000;
    const result = await run(['datamix', '--url', emu.url, '--buffer-max-bytes', '65536', '--batch-interval-ms', '10'], pinoLines(n, 'x'.repeat(80)), { DATAMIX_API_KEY: 'test-key' });
    expect(result.stderr).toBe(`logferry: ${n} delivered, 0 rejected, 0 spooled, 0 dropped\n`);
    expect(result.code).toBe(0);
    expect(emu.datamix.received).toBe(n);
    // The same input with backpressure off overflows the same buffer: the test above can fail.
    emu.reset();
    emu.faults.delayNext(10_000, 20, { path: 'logs' });
    const strict = await run(['datamix', '--url', emu.url, '--buffer-max-bytes', '65536', '--batch-interval-ms', '10', '--no-buffer-backpressure'], pinoLines(n, 'x'.repeat(80)), { DATAMIX_API_KEY: 'test-key' });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/\d+ dropped \(\d+× overflow\)/);
  });

  it('SIGTERM: stops reading, delivers what it has within exitTimeoutMs, exits 0', async () => {
    const { child, echoed, closed, stderr } = teeing(['datamix', '--url', emu.url, '--tee', '--batch-interval-ms', '600000', '--batch-max-events', '1000'], 25);
    child.stdin.write(pinoLines(25, 'before SIGTERM')); // stdin stays open: only the signal ends the run
    await echoed;
    expect(emu.datamix.records).toHaveLength(0); // nothing sent yet: the batch interval is ten minutes
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    expect(emu.datamix.records.map((r) => r.message)).toEqual(Array.from({ length: 25 }, (_, n) => `before SIGTERM {"pid":1,"hostname":"h","n":${n}}`));
    expect(stderr()).toContain('25 delivered');
  });
});

describe('pipe mode during an outage', () => {
  it('SIGTERM while the API is down: spools what it has within --exit-timeout-ms, exits 1', async () => {
    const spool = join(dir, 'sigterm.spool');
    emu.faults.down();
    const { child, echoed, closed, stderr } = teeing(['datamix', '--url', emu.url, '--tee', '--spool', spool, '--exit-timeout-ms', '500', '--retry-base-ms', '50'], 12);
    child.stdin.write(pinoLines(12, 'during the outage'));
    await echoed;
    child.kill('SIGTERM');
    expect(await closed).toBe(1);
    expect(stderr()).toContain('12 spooled');
    expect(readFileSync(spool, 'utf8').trim().split('\n')).toHaveLength(12);
    expect(emu.datamix.records).toHaveLength(0);
  });
});

describe('exit codes and errors', () => {
  it('2: a usage or option error names the flag or variable, in one line', async () => {
    const badValue = await run(['datamix', '--url', emu.url, '--batch-max-events', 'lots'], '', { DATAMIX_API_KEY: 'test-key' });
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toBe('[logferry] LOGFERRY_USAGE: --batch-max-events: expected a number, got "lots"\n');
    const tooBig = await run(['datamix', '--url', emu.url, '--sessions', '500'], '', { DATAMIX_API_KEY: 'test-key' });
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toMatch(/^\[logferry\] LOGFERRY_USAGE: --sessions: .*64\n$/);
    const badEnv = await run(['datamix', '--url', emu.url], '', { DATAMIX_API_KEY: 'test-key', LOGFERRY_STALE: 'sometimes' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/^\[logferry\] LOGFERRY_USAGE: LOGFERRY_STALE: .*"drop"\|"restamp"\n$/);
    const unknown = await run(['datamix', '--bacth-max-events', '5']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^\[logferry\] LOGFERRY_USAGE: unknown option '--bacth-max-events'.*--batch-max-events/);
    const wrongApi = await run(['datamix', '--url', emu.url, '--bucket', 'x'], '', { DATAMIX_API_KEY: 'test-key' });
    expect(wrongApi.code).toBe(2);
    expect(wrongApi.stderr).toMatch(/unknown option '--bucket'/);
    const fileError = join(dir, 'bad.json');
    writeFileSync(fileError, JSON.stringify({ sink: { type: 'datamix', url: emu.url, apiKey: 'test-key' }, batch: { maxEvents: 0 } }));
    const fromFile = await run(['datamix', '--config', fileError]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/^\[logferry\] LOGFERRY_USAGE: invalid logferry options — --batch-max-events \(batch\.maxEvents\): /);
    expect(fromFile.stderr).not.toContain('test-key');
    const insecure = await run(['datamix', '--url', 'http://logs.example.com'], '', { DATAMIX_API_KEY: 'test-key' });
    expect(insecure.code).toBe(2);
    expect(insecure.stderr).toMatch(/--url \(sink\.url\): plain http:\/\/ is only allowed to a loopback host/);
    const noApi = await run([]);
    expect(noApi.code).toBe(2);
  });

  it('a key is never taken on the command line, and never echoed', async () => {
    const secret = 'sk-live-0123456789abcdef';
    for (const args of [['--api-key', secret], [`--api-key=${secret}`], [`--apikey=${secret}`]]) {
      const result = await run(['datamix', '--url', emu.url, ...args], pinoLines(1));
      expect(result.code).toBe(2);
      expectOneCleanLine(result.stderr, secret);
      expect(result.stdout).not.toContain(secret);
    }
    expect(emu.datamix.sessionCreations).toBe(0);
  });

  it('1: a refused key, in one clear line without the key; nothing delivered', async () => {
    const secret = 'wrong-key-9f8e7d6c5b4a';
    const result = await run(['datamix', '--url', emu.url], pinoLines(10), { DATAMIX_API_KEY: secret });
    expect(result.code).toBe(1);
    expectOneCleanLine(result.stderr, secret);
    expect(result.stderr).toMatch(/LOGFERRY_AUTH_FAILED: Datamix refused the API key \(HTTP 401/);
    expect(result.stderr).toContain('10 dropped');
    expect(emu.datamix.records).toHaveLength(0);
  });

  it('1: records spooled because the API is unreachable; the spool holds them for replay', async () => {
    const spool = join(dir, 'down.spool');
    emu.faults.down();
    const result = await run(['datamix', '--url', emu.url, '--spool', spool, '--exit-timeout-ms', '300', '--retry-base-ms', '20'], pinoLines(8), { DATAMIX_API_KEY: 'test-key' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('8 spooled');
    expect(readFileSync(spool, 'utf8').trim().split('\n')).toHaveLength(8);
  });
});

describe('check', () => {
  it('datamix: prints the destination, clock offset and round trip; --expect matches or exits 1; never the key', async () => {
    const ok = await run(['check', 'datamix', '--url', emu.url, '--expect', 'test.app.dev'], '', { DATAMIX_API_KEY: 'test-key' });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^destination {2}test\.app\.dev$/m);
    expect(ok.stdout).toMatch(/^clock offset [+-]\d+\.\d s/m);
    expect(ok.stdout).toMatch(/^round trip {3}\d+ ms$/m);
    expect(ok.stdout).toMatch(/^expected {5}test\.app\.dev: matches$/m);
    expect(ok.stdout + ok.stderr).not.toContain('test-key');
    expect(emu.datamix.sessionCreations).toBe(1);

    const other = await run(['check', 'datamix', '--url', emu.url, '--expect', 'shop.checkout.prod'], '', { DATAMIX_API_KEY: 'test-key' });
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/^expected {5}shop\.checkout\.prod: does NOT match \(the key reaches test\.app\.dev\)$/m);
  });

  it('datamix: the server clock offset comes from the Date header', async () => {
    const skewed = await startEmulator({ clockOffsetMs: 90_000 });
    try {
      const result = await run(['check', 'datamix', '--url', skewed.url], '', { DATAMIX_API_KEY: 'test-key' });
      expect(result.code).toBe(0);
      const seconds = Number(/^clock offset \+(\d+\.\d) s \(the server is ahead of this machine\)$/m.exec(result.stdout)?.[1]);
      expect(seconds).toBeGreaterThan(88);
      expect(seconds).toBeLessThan(92);
    } finally {
      await skewed.close();
    }
  });

  it('a bad key exits 1 with one clear line, the key not in it', async () => {
    const secret = 'not-a-key-123456';
    const result = await run(['check', 'datamix', '--url', emu.url], '', { DATAMIX_API_KEY: secret });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^\[logferry\] LOGFERRY_AUTH_FAILED: Datamix refused the API key \(HTTP 401 on POST \/sessions\)/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(secret);
    const is = await run(['check', 'initialstate', '--api-url', emu.url, '--events-url', emu.url, '--bucket', 'b'], '', { IS_CLIENT_KEY: secret });
    expect(is.code).toBe(1);
    expect(is.stderr).toMatch(/^\[logferry\] LOGFERRY_AUTH_FAILED: Initial State refused the client key/);
    expect(is.stdout + is.stderr).not.toContain(secret);
  });

  it('initialstate: creates the bucket and prints it with its id; --expect compares the bucket', async () => {
    const result = await run(['check', 'initialstate', '--api-url', emu.url, '--events-url', emu.url, '--bucket', 'checkout', '--expect', 'checkout'], '', { IS_CLIENT_KEY: 'test-client-key' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^bucket {7}checkout \(id [0-9a-f-]{36}\)$/m);
    expect(result.stdout).toMatch(/^round trip {3}\d+ ms$/m);
    expect(result.stdout).toMatch(/: matches$/m);
    expect(emu.initialState.buckets.map((b) => b.bucketName)).toEqual(['checkout']);
  });
});

describe("Initial State's Events API (--api events)", () => {
  it('check: creates the bucket with the access key and prints its key; --expect compares the bucket key; a bad key exits 1 without it', async () => {
    const ok = await run(['check', 'initialstate', '--api', 'events', '--api-url', `${emu.url}/api`, '--bucket', 'Checkout', '--bucket-key', 'checkout', '--expect', 'checkout'], '', {
      IS_ACCESS_KEY: 'test-access-key',
    });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^bucket {7}Checkout \(key checkout\)$/m);
    expect(ok.stdout).toMatch(/: matches$/m);
    expect(emu.initialStateEvents.buckets.map((b) => b.bucketKey)).toEqual(['checkout']);
    const secret = 'not-an-access-key-42';
    const bad = await run(['check', 'initialstate', '--api', 'events', '--api-url', `${emu.url}/api`, '--bucket-key', 'checkout'], '', { IS_ACCESS_KEY: secret });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^\[logferry\] LOGFERRY_AUTH_FAILED: Initial State refused the access key/);
    expect(bad.stdout + bad.stderr).not.toContain(secret);
  });

  it('pipe: lines become events in the bucket, within the rate limit; exit 0', async () => {
    const result = await run(['initialstate', '--api', 'events', '--api-url', `${emu.url}/api`, '--bucket-key', 'piped', '--quiet'], pinoLines(25), {
      IS_ACCESS_KEY: 'test-access-key',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const values = emu.initialStateEvents.eventsIn('piped').map((e) => String(e.value));
    expect(values).toHaveLength(25);
    expect(values[0]).toMatch(/^INFO piped \{/);
    expect(emu.initialStateEvents.requests.every((r) => r.status !== 429)).toBe(true);
    expect(emu.violations).toEqual([]);
  });
});

describe('replay', () => {
  it('off a TTY prints plain progress lines and a summary; re-stamps stale records; removes the spool; exit 0', async () => {
    const spool = join(dir, 'app.spool');
    const old = Date.now() - 30 * 60_000;
    const entries = Array.from({ length: 50 }, (_, n) => JSON.stringify({ time: old + n, level: 'warn', text: `spooled ${n}` }));
    writeFileSync(spool, `${entries.join('\n')}\n{"time":1,"lev`); // a torn last line
    const result = await run(['replay', spool, 'datamix', '--url', emu.url, '--batch-max-events', '10'], '', { DATAMIX_API_KEY: 'test-key' });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const progress = lines.filter((l) => l.startsWith('replay: '));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)).toMatch(/^replay: 50\/51 records \(98%\), \d+\/s, ETA /);
    expect(result.stdout).not.toContain('\r'); // no bar redraws off a terminal
    expect(lines.at(-1)).toBe('logferry: 50 delivered, 0 rejected, 50 restamped; 1 unreadable lines skipped');
    expect(emu.datamix.records).toHaveLength(50);
    expect(emu.datamix.records[0]?.message).toMatch(/^\[original time .*\] spooled 0$/);
    expect(existsSync(spool)).toBe(false);
    expect(emu.violations).toEqual([]);
  });

  it('stops with exit 1 when the API is down, and resumes on the next run without re-sending', async () => {
    const spool = join(dir, 'resume.spool');
    writeFileSync(spool, Array.from({ length: 20 }, (_, n) => `${JSON.stringify({ time: Date.now(), level: 'info', text: `r${n}` })}\n`).join(''));
    emu.faults.down();
    const first = await run(['replay', spool, 'datamix', '--url', emu.url, '--retry-max-elapsed-ms', '200', '--retry-base-ms', '20'], '', { DATAMIX_API_KEY: 'test-key' });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/LOGFERRY_INCOMPLETE: the replay stopped before the end.*run the same command again to resume/);
    emu.faults.down(0);
    const second = await run(['replay', spool, 'datamix', '--url', emu.url], '', { DATAMIX_API_KEY: 'test-key' });
    expect(second.code).toBe(0);
    expect(emu.datamix.records.map((r) => r.message)).toEqual(Array.from({ length: 20 }, (_, n) => `r${n}`));
  });

  it('refused while a running transport holds the spool (it drains it): exit 1, one clean line, nothing sent', async () => {
    const spool = join(dir, 'held.spool');
    const { child, echoed, closed } = teeing(['datamix', '--url', emu.url, '--tee', '--spool', spool], 1);
    child.stdin.write(pinoLines(1, 'live'));
    await echoed;
    await emu.waitFor(() => existsSync(`${spool}.lock`));
    writeFileSync(spool, `${JSON.stringify({ time: Date.now(), level: 'info', text: 'left by a crash' })}\n`);
    const result = await run(['replay', spool, 'datamix', '--url', emu.url], '', { DATAMIX_API_KEY: 'test-key' });
    expect(result.code).toBe(1);
    expectOneCleanLine(result.stderr, 'test-key');
    expect(result.stderr).toMatch(/LOGFERRY_SPOOL: spool\.path \S+ is being drained by another process \(pid \d+\).*nothing was replayed/);
    expect(existsSync(spool)).toBe(true);
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    expect(emu.datamix.records.map((r) => r.message)).not.toContain('left by a crash');
  });

  it('rejected records: exit 1, with the top reasons in the summary', async () => {
    // A server with a 30-second window refuses what the client, which knows Datamix's 10 minutes, sends.
    const strict = await startEmulator({ datamix: { pastWindowMs: 30_000 } });
    try {
      const spool = join(dir, 'rejected.spool');
      const entry = (text: string, ago: number) => `${JSON.stringify({ time: Date.now() - ago, level: 'info', text })}\n`;
      writeFileSync(spool, entry('fine', 0) + entry('a minute old', 60_000) + entry('two minutes old', 120_000));
      const result = await run(['replay', spool, 'datamix', '--url', strict.url], '', { DATAMIX_API_KEY: 'test-key' });
      expect(result.code).toBe(1);
      expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^logferry: 1 delivered, 2 rejected; rejected: 1× Message timestamp is too old: \S+; 1× Message timestamp is too old: \S+$/);
      expect(strict.datamix.records.map((r) => r.message)).toEqual(['fine']);
    } finally {
      await strict.close();
    }
  });
});

describe('replay on a terminal', () => {
  it('draws a progress bar (records of total, rate, ETA) on a TTY', async () => {
    const spool = join(dir, 'tty.spool');
    writeFileSync(spool, Array.from({ length: 40 }, (_, n) => `${JSON.stringify({ time: Date.now(), level: 'info', text: `t${n}` })}\n`).join(''));
    // util-linux's script(1) gives the command a pseudo-terminal, as a person's shell would.
    const command = [process.execPath, BIN, 'replay', spool, 'datamix', '--url', emu.url, '--batch-max-events', '10'].map((a) => `'${a}'`).join(' ');
    const result = await collect('script', ['-qefc', command, '/dev/null'], '', { DATAMIX_API_KEY: 'test-key', COLUMNS: '120' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/replay \|[█░]+\| 40\/40 records \| \d+\/s \| ETA 0s/);
    expect(result.stdout).not.toMatch(/^replay: /m); // the bar, not the plain lines
    expect(result.stdout).toContain('logferry: 40 delivered, 0 rejected');
    expect(emu.datamix.records).toHaveLength(40);
  });
});

describe('pipe mode on a terminal', () => {
  it('says it reads from stdin when run without a pipe, and ends at EOF', async () => {
    const command = [process.execPath, BIN, 'datamix', '--url', emu.url].map((a) => `'${a}'`).join(' ');
    const result = await new Promise<Run>((resolve, reject) => {
      const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: cleanEnv({ DATAMIX_API_KEY: 'test-key' }) });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
      child.stdin.end();
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('logferry: reading log lines from stdin (pipe your app into it; Ctrl-D ends)');
    expect(result.stdout).toContain('logferry: 0 delivered');
  });
});

describe('logferry emulator', () => {
  it('serves the API and the viewer until SIGINT, then exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv({}) });
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const url = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const match = /viewer: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
    });
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="records"');
    const session = await fetch(`${url}/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'test-key' }) });
    expect(session.status).toBe(200);
    child.kill('SIGINT');
    expect(await closed).toBe(0);
  });
});

describe('the README', () => {
  it("runs the Command line section's commands as written, against the emulator", async () => {
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const block = /## Command line[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l !== '');
    expect(commands).toHaveLength(5);
    const env: Record<string, string> = {};
    for (const [, name, value] of (commands[1] ?? '').matchAll(/(\w+)=(\S+)/g)) if (name && value) env[name] = value;
    expect(env).toEqual({ DATAMIX_API_KEY: 'test-key', LOGFERRY_URL: 'http://127.0.0.1:4318' });
    env.LOGFERRY_URL = emu.url; // the test's emulator listens on its own port
    const argsOf = (command: string) => command.replace(/^.*\| /, '').split(/\s+/).slice(1);

    const check = await run(argsOf(commands[2] ?? ''), '', env);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('test.app.dev: matches');

    const piped = await run(argsOf(commands[3] ?? ''), pinoLines(3, 'from app.js'), env);
    expect(piped.code).toBe(0);
    expect(piped.stdout.trim().split('\n')).toHaveLength(3);
    expect(emu.datamix.records).toHaveLength(3);

    writeFileSync(join(dir, 'logferry.spool'), `${JSON.stringify({ time: Date.now(), level: 'warn', text: 'spooled' })}\n`);
    const replayed = await new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, ...argsOf(commands[4] ?? '')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv(env) });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(replayed.code).toBe(0);
    expect(emu.datamix.records.map((r) => r.message)).toContain('spooled');
    expect(argsOf(commands[0] ?? '').slice(0, 3)).toEqual(['emulator', '--port', '4318']);
  });
});
