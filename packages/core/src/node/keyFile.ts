import { LogferryError } from '../errors/logferryError.js';
import { KEY_FILES } from '../options/keyFiles.js';
import type { ResolvedOptions } from '../options/options.js';
import type { SinkKeys } from '../protocols/createSink.js';
import type { KeySource } from '../protocols/keySource.js';
import { builtin } from './builtin.js';

/** While the server keeps refusing, the file is read at most this often. */
export const REREAD_MS = 30_000;

/**
 * A key read from a file (`sink.apiKeyFile`, …): once at start, and again
 * when the server refuses it, at most every REREAD_MS while it keeps
 * refusing. What the file holds never appears in a message: errors name the
 * option and the path, and each key read is handed to `onKey` for redaction.
 */
export class KeyFile implements KeySource {
  private key: string;
  private readAt: number;
  private refusing = false;
  private told = false;

  constructor(
    readonly field: string,
    private readonly path: string,
    private readonly onKey: (key: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.readAt = this.now();
    const read = this.read();
    if (typeof read !== 'string') throw new LogferryError('LOGFERRY_BAD_OPTION', `${field}: ${read.problem}`);
    this.key = read;
    onKey(read);
  }

  current(): string {
    return this.key;
  }

  refused(): { retryInMs: number; report: boolean } {
    const now = this.now();
    if (!this.refusing || now - this.readAt >= REREAD_MS) {
      this.refusing = true;
      this.readAt = now;
      const read = this.read();
      if (typeof read === 'string' && read !== this.key) {
        this.key = read;
        this.onKey(read);
        return { retryInMs: 0, report: false };
      }
    }
    const report = !this.told;
    this.told = true;
    return { retryInMs: Math.max(1, this.readAt + REREAD_MS - now), report };
  }

  accepted(): void {
    this.refusing = false;
    this.told = false;
  }

  /** The file's key (trimmed), or what is wrong with the file, in words that never quote it. */
  private read(): string | { problem: string } {
    let text: string;
    try {
      text = builtin('node:fs').readFileSync(this.path, 'utf8');
    } catch (error) {
      return { problem: `could not read the key file ${this.path} (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
    const key = text.trim();
    return key === '' ? { problem: `the key file ${this.path} is empty` } : key;
  }
}

/**
 * The options with each key file's key read in, and the sources that read
 * the files again, by the key option they stand for. Each key read is pushed
 * to `secrets` (a live list the reports redact with). Throws
 * LOGFERRY_BAD_OPTION when a file cannot be read at start.
 */
export function readKeyFiles(options: ResolvedOptions, secrets: string[] = []): { options: ResolvedOptions; keys: SinkKeys } {
  const keys: SinkKeys = {};
  const sink: Record<string, unknown> = { ...options.sink };
  for (const spec of KEY_FILES) {
    const path = sink[spec.file];
    if (typeof path !== 'string') continue;
    const source = new KeyFile(`sink.${spec.file}`, path, (key) => secrets.push(key));
    keys[spec.key] = source;
    sink[spec.key] = source.current();
  }
  return { options: { ...options, sink: sink as ResolvedOptions['sink'] }, keys };
}
