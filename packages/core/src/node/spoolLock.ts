import { join } from 'node:path';
import { builtin } from './builtin.js';

const { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } = builtin('node:fs');

/** How often a holder touches its lock. */
const HEARTBEAT_MS = 1000;
/** A lock not touched for this long is stale even if its pid is alive (the pid was reused, say in a container). */
const STALE_AFTER_MS = 10_000;
/** Take-over rounds before giving up (each needs another taker to have moved first, so a few are plenty). */
const ATTEMPTS = 8;

interface LockContent {
  pid: number;
  id: string;
}

/** One holder's file: its name (the holder's id), what it says, and when it was last touched. */
interface Owner {
  file: string;
  content: LockContent | undefined;
  mtime: number;
}

/** What a holder file says (undefined: unreadable), or null when it is gone. */
function readContent(file: string): LockContent | undefined | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return code(error) === 'ENOENT' ? null : undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    return typeof value.pid === 'number' && typeof value.id === 'string' ? { pid: value.pid, id: value.id } : undefined;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * The holder files at `path`: the one inside the lock directory, or the lock
 * file itself when an earlier version of logferry left a plain file there.
 */
function ownersOf(path: string): Owner[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return [];
  }
  const files = isDir ? safeList(path).map((name) => join(path, name)) : [path];
  const owners: Owner[] = [];
  for (const file of files) {
    // Read before stat: a file another taker removes meanwhile is gone, not "unreadable and fresh" (held).
    const content = readContent(file);
    if (content === null) continue;
    try {
      owners.push({ file, content, mtime: statSync(file).mtimeMs });
    } catch {
      // gone meanwhile
    }
  }
  return owners;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Whether one holder file is live: its process is alive and it was touched in the last 10 s. */
function ownerHeld(owner: Owner, now: number): { held: false } | { held: true; pid: number } {
  // Unreadable (a torn write at a power cut): fresh counts as held.
  if (!owner.content) return now - owner.mtime < STALE_AFTER_MS ? { held: true, pid: 0 } : { held: false };
  if (!pidAlive(owner.content.pid) || now - owner.mtime >= STALE_AFTER_MS) return { held: false };
  return { held: true, pid: owner.content.pid };
}

/**
 * Whether the lock at `path` is held: its holder's process is alive and it
 * touched the lock in the last 10 s. A lock whose process died (kill -9, a
 * crash) is free at once; one whose pid was reused is free 10 s later.
 */
export function lockHeld(path: string, now = Date.now()): { held: false } | { held: true; pid: number } {
  for (const owner of ownersOf(path)) {
    const state = ownerHeld(owner, now);
    if (state.held) return state;
  }
  return { held: false };
}

/** Removes a lock whose holder is known to be gone (its process's own `.live` lock, say), whatever is in it. */
export function removeLock(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/**
 * A lock held by this process (one client of it: the id tells two clients of
 * one process apart), kept fresh by a heartbeat, released at close.
 *
 * The lock is a directory, `path`, holding one file named for its holder
 * (`path/<id>`: pid and id). Why this is safe with takers racing, with no
 * flock in Node.js:
 * - Taking: the holder file is written into a directory of the taker's own
 *   (`path.<id>.tmp`), and that directory is renamed to `path`. rename(2)
 *   replaces a directory only if it is empty, so it fails while any holder
 *   file is in `path`; with it absent or empty, one rename wins and the rest
 *   fail. So `path` holds at most one holder file, ever, and whoever's file it
 *   is holds the lock.
 * - Taking over a stale lock: the taker removes the stale holder's file **by
 *   its name** (its id, unique to that holder), then the directory, only if
 *   empty (rmdir fails otherwise), then takes it as above. A taker that was
 *   too slow cannot remove a lock someone took over meanwhile: that file has
 *   another name, and the directory is not empty. Two takers that both found
 *   one lock stale both remove the same file (one of them finds it gone) and
 *   then race the rename, which one wins.
 * - Release removes the holder's own file by name, then the directory if empty.
 * Staleness itself is a lease (pid gone, or no heartbeat for 10 s), as before:
 * a holder stopped for over 10 s with its pid alive can lose the lock.
 * A plain lock file left by an earlier version is judged the same way and
 * removed with unlink, which can never remove a directory: a new lock.
 */
export class SpoolLock {
  private timer: ReturnType<typeof setInterval> | undefined;
  private released = false;
  private readonly file: string;

  private constructor(
    readonly path: string,
    private readonly id: string,
  ) {
    this.file = join(path, id);
    this.timer = setInterval(() => this.touch(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Takes the lock, or says who holds it (pid 0: a holder not known by its pid). */
  static acquire(path: string, id: string): SpoolLock | { heldBy: number } {
    const mine = `${path}.${id}.tmp`;
    rmSync(mine, { recursive: true, force: true });
    mkdirSync(mine, { mode: 0o700 });
    try {
      writeFileSync(join(mine, id), JSON.stringify({ pid: process.pid, id } satisfies LockContent), { mode: 0o600 });
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        try {
          renameSync(mine, path);
          return new SpoolLock(path, id);
        } catch (error) {
          // EEXIST/ENOTEMPTY: a holder's file is there; ENOTDIR: an earlier version's lock file; EPERM on some systems.
          if (!['EEXIST', 'ENOTEMPTY', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(code(error) ?? '')) throw error;
        }
        const now = Date.now();
        const owners = ownersOf(path);
        for (const owner of owners) {
          const state = ownerHeld(owner, now);
          if (state.held) return { heldBy: state.pid };
        }
        // Every holder file there is stale: remove exactly those (by name), then the directory if empty.
        for (const owner of owners) {
          try {
            unlinkSync(owner.file);
          } catch {
            // Removed by another taker first (or a directory: someone's new lock, never removed by unlink).
          }
        }
        try {
          rmdirSync(path);
        } catch {
          // Not empty (another taker's lock is in), gone, or a file: the next round sees which.
        }
      }
      const state = lockHeld(path);
      return { heldBy: state.held ? state.pid : 0 };
    } finally {
      rmSync(mine, { recursive: true, force: true });
    }
  }

  private touch(): void {
    if (this.released) return;
    try {
      const now = new Date();
      utimesSync(this.file, now, now);
    } catch {
      // Removed under us (taken over as stale): the next start treats it as free, which it is.
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    this.timer = undefined;
    // Only our own file, by its name: another process may have taken over a lock we failed to touch in time.
    try {
      unlinkSync(this.file);
    } catch (error) {
      if (code(error) !== 'ENOENT') return;
    }
    try {
      rmdirSync(this.path);
    } catch {
      // someone else's lock is in it, or it is gone
    }
  }
}
