import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// A CommonJS app require()s the packages: no module in their graphs may use top-level await.
describe('require() from CommonJS', () => {
  for (const pkg of ['core', 'pino', 'winston', 'emulator', 'cli']) {
    it(pkg === 'cli' ? 'logferry (the cli)' : `@logferry/${pkg}`, () => {
      const out = execFileSync(process.execPath, ['-e', `const m = require(${JSON.stringify(join(root, 'packages', pkg))}); process.stdout.write(String(Object.keys(m).length > 0))`], {
        encoding: 'utf8',
      });
      expect(out).toBe('true');
    });
  }
});
