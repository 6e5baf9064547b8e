import { describe, expect, it } from 'vitest';
import { countReason, emptyStats } from '../src/pipeline/stats.js';

describe('countReason', () => {
  it('counts reasons named like Object.prototype members as ordinary keys', () => {
    const table = emptyStats().rejectedReasons;
    for (const reason of ['constructor', '__proto__', 'toString', 'constructor']) countReason(table, reason);
    expect(Object.getPrototypeOf(table)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(table))).toEqual({ constructor: 2, ['__proto__']: 1, toString: 1 });
    expect(Object.keys(table)).toEqual(['constructor', '__proto__', 'toString']);
  });

  it('keeps a bounded number of reasons, the rest under "other", long ones cut', () => {
    const table = emptyStats().droppedReasons;
    countReason(table, 'x'.repeat(300));
    for (let i = 0; i < 500; i++) countReason(table, `reason ${i}`, 2);
    const keys = Object.keys(table);
    expect(keys.length).toBe(51);
    expect(keys[0]).toBe(`${'x'.repeat(199)}…`);
    expect(Object.values(table).reduce((a, b) => a + b, 0)).toBe(1001);
    expect(table.other).toBeGreaterThan(0);
    expect(keys.every((k) => k.length <= 200)).toBe(true);
  });
});
