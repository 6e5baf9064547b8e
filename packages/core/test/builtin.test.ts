import * as fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('builtin', () => {
  it('loads built-in modules through process.getBuiltinModule', async () => {
    const { builtin } = await import('../src/node/builtin.js');
    expect(builtin('node:fs').existsSync).toBe(fs.existsSync);
  });

  it('falls back to require where process.getBuiltinModule is missing (Node 21, 22.0-22.2)', async () => {
    const original = process.getBuiltinModule;
    Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
    try {
      vi.resetModules();
      const { builtin } = await import('../src/node/builtin.js');
      expect(builtin('node:fs').existsSync).toBe(fs.existsSync);
      expect(typeof builtin('node:crypto').createHash).toBe('function');
    } finally {
      Object.defineProperty(process, 'getBuiltinModule', { value: original, configurable: true, writable: true });
      vi.resetModules();
    }
  });
});
