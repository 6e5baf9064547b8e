import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useResources } from './support/lifecycle.js';

/** Initial State's own Python client (initialstate/python_appender, MIT), unmodified: see the README and LICENSE beside it. */
const ISSTREAMER = fileURLToPath(new URL('./support/isstreamer', import.meta.url));
const res = useResources();

/** Runs python3 with `script` in `cwd`; resolves with its exit code and output. Asynchronous: the emulator answers from this process. */
function python(script: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', script], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`python3 could not run (it is needed for this test): ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("Initial State's Python client (ISStreamer) against the emulator's Events API", () => {
  it('is accepted unmodified: its bucket and every event arrive, with no violation', async () => {
    const emu = await res.emulator();
    const dir = mkdtempSync(join(tmpdir(), 'logferry-isstreamer-'));
    try {
      writeFileSync(
        join(dir, 'isstreamer.ini'),
        `[isstreamer.client_config]\naccess_key = test-access-key\n[isstreamer.api_config]\nstream_api_base = ${emu.url}\n`,
      );
      const started = Date.now() / 1000;
      const run = await python(
        [
          'import sys',
          `sys.path.insert(0, ${JSON.stringify(ISSTREAMER)})`,
          'from ISStreamer.Streamer import Streamer',
          's = Streamer(bucket_name="Demo", bucket_key="demo", ini_file_location="isstreamer.ini", use_async=False)',
          'for i in range(30): s.log("temperature", 20 + i)',
          's.log("status", "all good")',
          's.log("door open", True)',
          's.log_object({"a": 1.5, "b": "x"}, key_prefix="obj")',
          's.close()',
        ].join('\n'),
        dir,
      );
      expect(run.code, run.stderr).toBe(0);
      expect(emu.violations).toEqual([]);
      expect(emu.initialStateEvents.buckets).toEqual([{ bucketKey: 'demo', bucketName: 'Demo', creations: 1, events: 34 }]);
      const events = emu.initialStateEvents.eventsIn('demo');
      expect(events.map((e) => [e.key, e.value])).toEqual([
        ...Array.from({ length: 30 }, (_, i) => ['temperature', 20 + i]),
        ['status', 'all good'],
        ['door open', true],
        ['obj_a', 1.5],
        ['obj_b', 'x'],
      ]);
      for (const e of events) {
        expect(e.epoch).toBeGreaterThanOrEqual(started - 1);
        expect(e.epoch).toBeLessThanOrEqual(Date.now() / 1000 + 1);
      }
      // Its buffer of 10: the bucket, then requests of at most 10 events.
      expect(emu.initialStateEvents.requests.map((r) => [r.path, r.status])).toEqual([
        ['/api/buckets', 201],
        ...Array.from({ length: 4 }, () => ['/api/events', 204]),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
