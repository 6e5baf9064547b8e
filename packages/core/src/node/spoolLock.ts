import { builtin } from './builtin.js';

const { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeSync } = builtin('node:fs');

/** How often a holder touches its lock file. */
const HEARTBEAT_MS = 1000;
/** A lock not touched for this long is stale even if its pid is alive (the pid was reused, say in a container). */
const STALE_AFTER_MS = 10_000;

interface LockContent {
  pid: number;
  id: string;
}

function readLock(path: string): LockContent | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockContent>;
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

/**
 * Whether the lock at `path` is held: it exists, its process is alive, and
 * its holder touched it in the last 10 s. A lock whose process died (kill -9,
 * a crash) is free at once; one whose pid was reused is free 10 s later.
 */
export function lockHeld(path: string, now = Date.now()): { held: false } | { held: true; pid: number } {
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return { held: false };
  }
  const content = readLock(path);
  // Unreadable: a holder between open and write, or a torn write. Fresh counts as held.
  if (!content) return now - mtime < STALE_AFTER_MS ? { held: true, pid: 0 } : { held: false };
  if (!pidAlive(content.pid) || now - mtime >= STALE_AFTER_MS) return { held: false };
  return { held: true, pid: content.pid };
}

/**
 * A lock file held by this process (one client of it: the id tells two
 * clients of one process apart), kept fresh by a heartbeat, released at
 * close. Taken with O_EXCL; a stale one is moved aside first.
 */
export class SpoolLock {
  private timer: ReturnType<typeof setInterval> | undefined;
  private released = false;

  private constructor(
    readonly path: string,
    private readonly id: string,
  ) {
    this.timer = setInterval(() => this.touch(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Takes the lock, or says who holds it. */
  static acquire(path: string, id: string): SpoolLock | { heldBy: number } {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        try {
          writeSync(fd, JSON.stringify({ pid: process.pid, id } satisfies LockContent));
        } finally {
          closeSync(fd);
        }
        return new SpoolLock(path, id);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const state = lockHeld(path);
      if (state.held) return { heldBy: state.pid };
      // Stale: move it aside (atomic), then try once more to create ours.
      const aside = `${path}.stale-${id}`;
      try {
        renameSync(path, aside);
        rmSync(aside, { force: true });
      } catch {
        // Someone else moved it first.
      }
    }
    const state = lockHeld(path);
    return { heldBy: state.held ? state.pid : 0 };
  }

  private touch(): void {
    if (this.released) return;
    try {
      const now = new Date();
      utimesSync(this.path, now, now);
    } catch {
      // Removed under us: the next start treats it as free, which it is.
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    this.timer = undefined;
    // Only our own lock: another process may have taken a lock we failed to touch in time.
    if (readLock(this.path)?.id === this.id) rmSync(this.path, { force: true });
  }
}
