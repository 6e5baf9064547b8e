import { beforeAll, describe, expect, it } from 'vitest';
import { consumerApp, resultOf, runInApp, type ConsumerApp } from './support/consumerApp.js';

// pino and winston as a user wires them, in CommonJS and ES module apps that installed the tarballs.
// Each app starts @logferry/emulator (from its tarball too) and prints what arrived there.
let app: ConsumerApp;
beforeAll(async () => {
  app = await consumerApp();
}, 600_000);

interface Delivered {
  records?: { level: string; message: string }[];
  events?: { b: string; sn: string; v: unknown }[];
  violations: unknown[];
}

async function delivered(fixture: string): Promise<Delivered> {
  const result = await runInApp(app, fixture);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return resultOf<Delivered>(result);
}

describe('pino: target @logferry/pino', () => {
  it('from a CommonJS app', async () => {
    const { records, violations } = await delivered('pino-app.cjs');
    expect(records).toHaveLength(1);
    expect(records![0]).toMatchObject({ level: 'info' });
    expect(records![0]!.message).toMatch(/^pino from a CommonJS app \{.*"app":"cjs"/);
    expect(violations).toEqual([]);
  });

  it('from an ES module app', async () => {
    const { records, violations } = await delivered('pino-app.mjs');
    expect(records).toHaveLength(1);
    expect(records![0]).toMatchObject({ level: 'info' });
    expect(records![0]!.message).toMatch(/^pino from an ES module app \{.*"app":"esm"/);
    expect(violations).toEqual([]);
  });
});

describe('winston: LogferryTransport', () => {
  it('from a CommonJS app (require), to Initial State', async () => {
    const { events, violations } = await delivered('winston-app.cjs');
    expect(events).toHaveLength(1);
    expect(events![0]).toMatchObject({ b: 'consumer-cjs', sn: 'log' });
    expect(events![0]!.v).toMatch(/^WARN winston from a CommonJS app \{.*"app":"cjs"/);
    expect(violations).toEqual([]);
  });

  it('from an ES module app (import), to Datamix', async () => {
    const { records, violations } = await delivered('winston-app.mjs');
    expect(records).toHaveLength(1);
    expect(records![0]).toMatchObject({ level: 'error' });
    expect(records![0]!.message).toMatch(/^winston from an ES module app \{.*"app":"esm"/);
    expect(violations).toEqual([]);
  });
});
