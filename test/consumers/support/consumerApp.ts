import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/*
 * The consumer app: every publishable package packed (`pnpm pack`, which turns
 * `workspace:*` into versions, as `pnpm publish` does) and installed from the
 * tarballs with npm into a fresh app outside the workspace, with no workspace
 * link anywhere. Third-party packages (pino, winston, typescript, esbuild, the
 * lint tools) come from the npm registry.
 *
 * One install per Node.js run, shared by every consumer test file: vitest runs
 * files in parallel processes, so the app lives in a cache directory keyed by
 * the content of what is packed (and the Node version), built once under a lock
 * (an atomic mkdir) and published by an atomic rename.
 */

const execFileP = promisify(execFile);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Third-party packages the consumer app installs: the loggers at the workspace's versions, and the tools. */
function thirdParty(): Record<string, string> {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const pick = (name: string): string => {
    const version = root.devDependencies[name];
    if (!version) throw new Error(`the workspace's package.json has no devDependency ${name}`);
    return version;
  };
  return {
    pino: pick('pino'),
    winston: pick('winston'),
    typescript: pick('typescript'),
    '@types/node': pick('@types/node'),
    esbuild: pick('esbuild'),
    '@arethetypeswrong/cli': '0.18.5',
    publint: '0.3.25',
  };
}

export interface PublishedPackage {
  /** The package name (`@logferry/core`, `logferry`). */
  name: string;
  /** Its folder in the workspace. */
  dir: string;
  /** The packed tarball in the consumer app's cache. */
  tarball: string;
}

export interface ConsumerApp {
  /** The app's folder: its node_modules holds the packages as installed from the tarballs. */
  dir: string;
  packages: PublishedPackage[];
}

/** Every package under packages/ that is not private: a package added later is checked without a change here. */
export function publishablePackages(): { name: string; dir: string }[] {
  const found: { name: string; dir: string }[] = [];
  for (const entry of readdirSync(join(ROOT, 'packages')).sort()) {
    const file = join(ROOT, 'packages', entry, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name: string; private?: boolean };
    if (manifest.private !== true) found.push({ name: manifest.name, dir: join(ROOT, 'packages', entry) });
  }
  return found;
}

/** Every file under `dir` (recursively), skipping node_modules and tests. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** What the app is made of: the packed files of every package, the third-party versions, this Node. */
function cacheKey(packages: { dir: string }[]): string {
  const hash = createHash('sha256');
  hash.update(`${process.version}\n${JSON.stringify(thirdParty())}\n`);
  for (const { dir } of packages) {
    const files = ['package.json', 'README.md', ...filesUnder(join(dir, 'dist')).map((f) => relative(dir, f)), ...filesUnder(join(dir, 'src')).map((f) => relative(dir, f))];
    for (const file of files.sort()) {
      const path = join(dir, file);
      if (!existsSync(path)) continue;
      hash.update(`${relative(ROOT, path)}\n`);
      hash.update(readFileSync(path));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

const CACHE = join(tmpdir(), 'logferry-consumers');

async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (on the lock's owner) until `ready` exists, or takes over a lock whose owner has died. */
async function withLock(lock: string, ready: string, build: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (!existsSync(ready)) {
    try {
      await mkdir(lock);
    } catch {
      const owner = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'));
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (owner > 0 && !(await isAlive(owner))) await rm(lock, { recursive: true, force: true });
      else if (owner === 0 && age > 30_000) await rm(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`the consumer app at ${ready} was not ready within 10 minutes (lock ${lock})`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      await writeFile(join(lock, 'pid'), String(process.pid));
      if (!existsSync(ready)) await build();
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

/** `pnpm` on PATH (CI puts it there), or the one LOGFERRY_PNPM names. */
function pnpmCommand(): { file: string; args: string[] } {
  return { file: process.env.LOGFERRY_PNPM ?? 'pnpm', args: [] };
}

async function pack(pkg: { name: string; dir: string }, into: string): Promise<string> {
  const { file, args } = pnpmCommand();
  const { stdout } = await execFileP(file, [...args, 'pack', '--pack-destination', into, '--json'], { cwd: pkg.dir, maxBuffer: 64 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { filename: string } | { filename: string }[];
  const filename = Array.isArray(parsed) ? parsed[0]!.filename : parsed.filename;
  return filename.startsWith('/') ? filename : join(into, filename);
}

async function buildApp(final: string, packages: { name: string; dir: string }[]): Promise<void> {
  for (const { name, dir } of packages) {
    if (!existsSync(join(dir, 'dist'))) throw new Error(`${name} is not built: run \`pnpm build\` first (\`pnpm test\` does)`);
  }
  const work = `${final}.tmp-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(join(work, 'tarballs'), { recursive: true });
  const tarballs: Record<string, string> = {};
  for (const pkg of packages) tarballs[pkg.name] = await pack(pkg, join(work, 'tarballs'));
  const app = join(work, 'app');
  await mkdir(app);
  const dependencies: Record<string, string> = { ...thirdParty() };
  for (const [name, tarball] of Object.entries(tarballs)) dependencies[name] = `file:${relative(app, tarball)}`;
  await writeFile(join(app, 'package.json'), `${JSON.stringify({ name: 'logferry-consumer-app', version: '1.0.0', private: true, dependencies }, null, 2)}\n`);
  // The app's own .npmrc: no audit, no fund, no lockfile noise; the registry as configured for the user.
  await writeFile(join(app, '.npmrc'), 'audit=false\nfund=false\nupdate-notifier=false\n');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`npm install in the consumer app failed (${code}):\n${output}`))));
  });
  // No workspace link may sneak in: every @logferry package is a real folder from its tarball.
  for (const { name } of packages) {
    if (lstatSync(join(app, 'node_modules', name)).isSymbolicLink()) throw new Error(`${name} is a link in the consumer app`);
  }
  await writeFile(join(work, 'tarballs.json'), JSON.stringify(tarballs));
  await writeFile(join(work, 'ready'), new Date().toISOString());
  await rename(work, final);
  await removeOldApps(final);
}

/** Apps of other trees (~100 MB each) built more than a day ago: nobody is still using them. */
async function removeOldApps(keep: string): Promise<void> {
  for (const entry of readdirSync(CACHE)) {
    const path = join(CACHE, entry);
    if (path === keep || entry.endsWith('.lock')) continue;
    const built = await stat(join(path, 'ready')).then((s) => s.mtimeMs, () => undefined);
    const age = Date.now() - (built ?? (await stat(path).then((s) => s.mtimeMs, () => Date.now())));
    if (age > 24 * 3600_000) await rm(path, { recursive: true, force: true });
  }
}

let memo: Promise<ConsumerApp> | undefined;

/** The consumer app for this run: built by whichever test file asks first, shared by the rest. */
export function consumerApp(): Promise<ConsumerApp> {
  memo ??= (async () => {
    const packages = publishablePackages();
    const final = join(CACHE, cacheKey(packages));
    await mkdir(CACHE, { recursive: true });
    await withLock(`${final}.lock`, join(final, 'ready'), () => buildApp(final, packages));
    const tarballs = JSON.parse(await readFile(join(final, 'tarballs.json'), 'utf8')) as Record<string, string>;
    const relocated = (path: string): string => join(final, 'tarballs', path.split('/').pop()!);
    return {
      dir: join(final, 'app'),
      packages: packages.map((pkg) => ({ ...pkg, tarball: relocated(tarballs[pkg.name]!) })),
    };
  })();
  return memo;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command in `cwd` and collects its output; rejects (killing it) after `timeoutMs`. */
export function run(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string }): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits without reading its stdin closes the pipe: EPIPE here is no failure of the run (its exit code says).
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a fixture from test/consumers/fixtures with this Node.js, as a file of the consumer app (so it resolves the app's packages). */
export async function runInApp(app: ConsumerApp, fixture: string, args: string[] = [], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  const target = await placeInApp(app, fixture);
  return run(process.execPath, [target, ...args], { cwd: app.dir, ...options });
}

/** Copies a fixture into the app (atomically: test files share the app) and returns its path there. */
export async function placeInApp(app: ConsumerApp, fixture: string, as = fixture): Promise<string> {
  const target = join(app.dir, 'fixtures', as);
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await copyFile(join(FIXTURES, fixture), temp);
  await rename(temp, target);
  return target;
}

/** The last line of a child's stdout, parsed: fixtures print their result as one JSON line. */
export function resultOf<T>(result: RunResult): T {
  const lines = result.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`no JSON result (exit ${result.code})\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}
