import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { uuidV5 } from '@logferry/core';
import { useResources } from './support/lifecycle.js';
import { endTransport, flushLogger } from './support/pino.js';

const res = useResources();

interface Target {
  target: string;
  level?: string;
  options: { sink: Record<string, unknown>; spool?: { path: string }; batch?: Record<string, unknown> };
}

/** The pino targets of the README's Events API section, each a ```js block, evaluated as written (with IS_ACCESS_KEY set). */
function readmeTargets(): { comment: string; target: Target }[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf("## Initial State's Events API");
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => {
    const lines = (m[1] as string).trim().split('\n');
    const comment = lines.filter((l) => l.startsWith('//')).join(' ');
    const code = lines.filter((l) => !l.startsWith('//')).join('\n');
    const target = new Function('process', `return (${code});`)({ env: { IS_ACCESS_KEY: 'test-access-key' } }) as Target;
    return { comment, target };
  });
}

describe("README: Initial State's Events API", () => {
  it('has the four examples and says plainly what the limit is', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readmeTargets().map((t) => t.comment)).toEqual([
      '',
      expect.stringContaining('fields only'),
      expect.stringContaining('a level filter'),
      expect.stringContaining('the spool for the rest'),
    ]);
    expect(readme).toContain('10 × 3 = 30 events a second');
  });

  it.each([
    { example: 0, name: 'the sink', expected: [['log', 'INFO order placed {"durationMs":12}'], ['log', 'WARN slow checkout {"durationMs":900}']] },
    { example: 1, name: 'fields only', expected: [['durationMs', 12], ['durationMs', 900]] },
    { example: 2, name: 'a level filter', expected: [['log', 'WARN slow checkout {"durationMs":900}']] },
    { example: 3, name: 'the spool', expected: [['log', 'INFO order placed {"durationMs":12}'], ['log', 'WARN slow checkout {"durationMs":900}']] },
  ])('example $example ($name) runs as written, pointed at the emulator, and sends what it says', async ({ example, expected }) => {
    const emu = await res.emulator();
    const dir = mkdtempSync(join(tmpdir(), 'logferry-readme-'));
    try {
      const { target } = readmeTargets()[example] as { target: Target };
      target.options.sink.apiUrl = `${emu.url}/api`;
      target.options.batch = { intervalMs: 50 };
      if (target.options.spool) target.options.spool.path = join(dir, 'logferry.spool');
      const transport = res.transport({ targets: [target] });
      const logger = pino({ level: 'trace', base: undefined }, transport);
      logger.info({ durationMs: 12 }, 'order placed');
      logger.warn({ durationMs: 900 }, 'slow checkout');
      await flushLogger(logger);
      // With `targets`, pino's flush does not wait for the worker's delivery; the events are waited for instead.
      await emu.waitFor(() => emu.initialStateEvents.eventsIn('checkout').length >= expected.length);
      await endTransport(transport);
      expect(emu.initialStateEvents.eventsIn('checkout').map((e) => [e.key, e.value])).toEqual(expected);
      expect(emu.initialStateEvents.buckets.map((b) => b.bucketKey)).toEqual(['checkout']);
      expect(emu.violations).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the bucket key defaults to a UUID v5 of the bucket name', () => {
    expect(uuidV5('Checkout service')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
