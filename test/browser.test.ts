// @logferry/browser in real headless Chromium: the page (one origin) gets its
// sessions from its app server (browserSessionHandler, the only holder of the
// key) and logs straight to Datamix (the emulator, another origin).
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Page, Response } from 'playwright-core';
import { startEmulator, type Emulator, type EmulatorOptions } from '@logferry/emulator';
import { artifactPath, launchChromium, type LaunchedBrowser } from './support/chromium.js';
import { startAppServer, type AppServer } from './browser/appServer.js';

// What the page functions (run in Chromium by page.evaluate) touch of the DOM: this project has Node's types only.
declare const window: { fetch: typeof fetch; dispatchEvent(event: Event): boolean };
declare class PageTransitionEvent extends Event {
  constructor(type: string, init: { persisted: boolean });
}
declare const document: { visibilityState: string; dispatchEvent(event: Event): boolean };

const API_KEY = 'dmx-key-NEVER-IN-THE-BROWSER-7f3a9c';
const DESTINATION = { system: 'shop', application: 'web', environment: 'test' };

let launched: LaunchedBrowser;
let emu: Emulator;
let app: AppServer;

beforeAll(async () => {
  launched = await launchChromium();
});
afterAll(async () => {
  await launched?.close();
});

async function start(options: EmulatorOptions = {}): Promise<void> {
  emu = await startEmulator({ ...options, datamix: { ...options.datamix, keys: { [API_KEY]: DESTINATION } } });
  app = await startAppServer(emu.url, API_KEY);
}
beforeEach(() => {
  emu = undefined as unknown as Emulator;
});
afterEach(async () => {
  await app?.close();
  await emu?.close();
});

/** A page of the app with a logger made from `options` at load (and at every reload). */
async function openPage(options?: Record<string, unknown>): Promise<Page> {
  const page = await launched.browser.newPage();
  page.on('pageerror', () => undefined);
  const query = options ? `?options=${encodeURIComponent(JSON.stringify(options))}` : '';
  await page.goto(`${app.url}/${query}`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  return page;
}

function messages(): string[] {
  return emu.datamix.records.map((r) => r.message);
}

it('1,000 records logged across a reload arrive exactly once, in order per session, with no violation', async () => {
  await start();
  const page = await openPage({ batch: { maxEvents: 100, intervalMs: 200 } });
  await page.evaluate(() => {
    const log = (window as unknown as { log: { info(m: string, f: object): void } }).log;
    for (let i = 0; i < 500; i++) log.info(`record ${i}`, { i });
  });
  // pagehide: the request on the wire is keepalive; what waits goes in one keepalive request or to localStorage.
  const reloadedAt = Date.now();
  await page.reload();
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  const restored = await page.evaluate(async () => {
    const log = (window as unknown as { log: { info(m: string, f: object): void; flush(): Promise<void>; stats(): { restored: number } } }).log;
    for (let i = 500; i < 1000; i++) log.info(`record ${i}`, { i });
    await log.flush();
    return log.stats().restored;
  });
  await emu.waitFor(() => emu.datamix.records.length >= 1000);
  await page.screenshot({ path: artifactPath('browser-logging.png') });
  await page.close();

  const expected = Array.from({ length: 1000 }, (_, i) => `record ${i} {"i":${i}}`);
  expect([...messages()].sort()).toEqual([...expected].sort());
  expect(new Set(messages()).size).toBe(1000);
  const bySession = new Map<string, number[]>();
  for (const r of emu.datamix.records) {
    const list = bySession.get(r.sessionId) ?? [];
    list.push(Number(/record (\d+)/.exec(r.message)?.[1]));
    bySession.set(r.sessionId, list);
  }
  for (const list of bySession.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
  // The second page load logged on a session of its own, made after the reload (the first's unload token is never reused).
  const last = emu.datamix.records.find((r) => r.message.startsWith('record 999 '));
  expect(emu.datamix.sessions.find((x) => x.id === last?.sessionId)?.createdAt).toBeGreaterThanOrEqual(reloadedAt);
  expect(emu.violations).toEqual([]);
  // What the first load did not get on the wire went in its unload request or came back from localStorage.
  expect(restored).toBeLessThanOrEqual(500);
});

it('a session that expires every 2 s is renewed in time: no request on an expired token', async () => {
  await start({ datamix: { sessionTtlMs: 2000 } });
  const page = await openPage({ batch: { intervalMs: 100 } });
  await page.evaluate(async () => {
    const log = (window as unknown as { log: { info(m: string): void; flush(): Promise<void> } }).log;
    for (let i = 0; i < 50; i++) {
      log.info(`tick ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    await log.flush();
  });
  await page.close();
  expect(messages()).toEqual(Array.from({ length: 50 }, (_, i) => `tick ${i}`));
  expect(emu.datamix.sessionCreations).toBeGreaterThanOrEqual(3);
  expect(emu.violations).toEqual([]);
});

it('a tab hidden mid-burst delivers what it held with keepalive, though the page is closed at once', async () => {
  await start();
  const page = await openPage({ batch: { maxEvents: 1000, intervalMs: 60_000 } });
  const keepalive = await page.evaluate(async () => {
    const w = window as unknown as { log: { info(m: string): void; flush(): Promise<void> } };
    await (w.log.info('first'), w.log.flush());
    const calls: { keepalive: boolean }[] = [];
    const original = window.fetch;
    window.fetch = (input, init) => {
      calls.push({ keepalive: init?.keepalive === true });
      return original(input, init);
    };
    for (let i = 0; i < 300; i++) w.log.info(`burst ${i}`);
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    return calls;
  });
  await page.close();
  expect(keepalive).toEqual([{ keepalive: true }]);
  await emu.waitFor(() => emu.datamix.records.length === 301);
  expect(messages()).toEqual(['first', ...Array.from({ length: 300 }, (_, i) => `burst ${i}`)]);
  expect(emu.violations).toEqual([]);
});

it('the API key is in nothing the browser received: every response body and header the page saw', async () => {
  await start();
  const seen: Promise<string>[] = [];
  const watch = (page: Page): void => {
    page.on('response', (res: Response) => {
      seen.push(
        (async () => {
          const headers = JSON.stringify(await res.allHeaders());
          const body = await res.body().then((b) => b.toString('utf8'), () => '');
          return `${res.url()}\n${headers}\n${body}`;
        })(),
      );
    });
  };
  const page = await launched.browser.newPage();
  watch(page);
  await page.goto(`${app.url}/?options=${encodeURIComponent(JSON.stringify({ batch: { intervalMs: 50 } }))}`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  await page.evaluate(async () => {
    const log = (window as unknown as { log: { info(m: string): void; flush(): Promise<void> } }).log;
    log.info('hello from the page');
    await log.flush();
  });
  const texts = await Promise.all(seen);
  await page.close();
  expect(texts.some((t) => t.includes('/logging-session'))).toBe(true);
  expect(texts.some((t) => t.includes('/logs'))).toBe(true);
  for (const text of texts) expect(text).not.toContain(API_KEY);
  expect(messages()).toEqual(['hello from the page']);
  // The key went to Datamix from the app server only (no Origin); the page's logs requests carry its origin.
  const origins = emu.cors.origins;
  expect(origins.filter((o) => o.path === '/sessions').every((o) => o.origin === undefined)).toBe(true);
  expect(origins.some((o) => o.path.endsWith('/logs') && o.origin === app.url)).toBe(true);
  expect(emu.violations).toEqual([]);
});

it('captureErrors logs an uncaught error and an unhandled rejection at error level, with the stack', async () => {
  await start();
  const page = await openPage({ captureErrors: true, batch: { intervalMs: 50 } });
  await page.evaluate(async () => {
    setTimeout(() => {
      throw new Error('boom in the page');
    });
    void Promise.reject(new Error('rejected in the page'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await (window as unknown as { log: { flush(): Promise<void> } }).log.flush();
  });
  await page.close();
  await emu.waitFor(() => emu.datamix.records.length === 2);
  const byText = (needle: string) => emu.datamix.records.find((r) => r.message.includes(needle));
  const thrown = byText('boom in the page');
  const rejected = byText('rejected in the page');
  expect(thrown?.level).toBe('error');
  expect(rejected?.level).toBe('error');
  expect(thrown?.message).toMatch(/^boom in the page \{.*"err":\{"type":"Error","message":"boom in the page","stack":"Error: boom in the page\\n\s+at /);
  expect(thrown?.message).toContain('"source":"window.onerror"');
  expect(rejected?.message).toContain('"source":"unhandledrejection"');
  expect(rejected?.message).toContain('"stack":"Error: rejected in the page');
});

it("transmit() with pino's browser build delivers, levels mapped as on the server", async () => {
  await start();
  const page = await openPage();
  await page.evaluate(async () => {
    const w = window as unknown as {
      pino: (o: object) => { info(...a: unknown[]): void; child(b: object): { warn(m: string): void }; trace(m: string): void };
      logferry: { createBrowserLogger(o: object): { flush(): Promise<void> }; transmit(o: object): object; getSession(): Promise<object> };
    };
    const log = w.logferry.createBrowserLogger({ session: w.logferry.getSession, batch: { intervalMs: 50 } });
    const logger = w.pino({ level: 'trace', browser: { asObject: true, transmit: w.logferry.transmit({ logger: log, level: 'trace' }) } });
    logger.info({ cartId: 7 }, 'checkout opened');
    logger.child({ req: 1 }).warn('slow answer');
    logger.trace('fine detail');
    await log.flush();
  });
  await page.close();
  expect(emu.datamix.records.map((r) => [r.level, r.message])).toEqual([
    ['info', 'checkout opened {"cartId":7}'],
    ['warn', 'slow answer {"req":1}'],
    ['debug', 'fine detail'],
  ]);
  expect(emu.violations).toEqual([]);
});

it("judges the time window by Datamix's clock, whether Datamix exposes Date to the page or not", async () => {
  // Datamix's clock 2 minutes behind the page's: to it, the page's own timestamps are in the future.
  await start({ clockOffsetMs: -120_000 });
  const run = async (): Promise<{ stats: { restamped: number; rejected: number; delivered: number }; dateReadable: boolean }> => {
    const page = await openPage({ stale: 'restamp', batch: { intervalMs: 50 } });
    const result = await page.evaluate(async (datamix) => {
      const log = (window as unknown as { log: { info(m: string): void; flush(): Promise<void>; stats(): { restamped: number; rejected: number; delivered: number } } }).log;
      log.info('first');
      await log.flush();
      log.info('second');
      await log.flush();
      const res = await fetch(`${datamix}/destinations/x.y.z/logs`, { method: 'POST', body: '{}' });
      return { stats: log.stats(), dateReadable: res.headers.get('date') !== null };
    }, emu.url);
    await page.close();
    return result;
  };
  // The session answer (browserSessionHandler's serverTime) sets the clock before the first record; exposed Date headers keep it.
  const exposed = await run();
  expect(exposed.dateReadable).toBe(true);
  expect(exposed.stats).toMatchObject({ rejected: 0, delivered: 2, restamped: 2 });

  emu.reset();
  emu.cors.exposeDate = false;
  const hidden = await run();
  expect(hidden.dateReadable).toBe(false);
  expect(hidden.stats).toMatchObject({ rejected: 0, delivered: 2, restamped: 2 });
  expect(emu.violations.filter((v) => v.rule !== 'unknown-token' && v.rule !== 'bad-body')).toEqual([]);
});

it('retries 503 with Retry-After, 429 and a reset, renews the session on a 401, and delivers each record once, in order', async () => {
  await start();
  const page = await openPage({ batch: { intervalMs: 20, maxEvents: 5 }, retry: { baseMs: 50, maxMs: 200 } });
  await page.evaluate(async () => {
    const log = (window as unknown as { log: { info(m: string): void; flush(): Promise<void> } }).log;
    log.info('warm');
    await log.flush();
  });
  emu.faults.failNext(1, { status: 503, retryAfter: '1', path: 'logs' });
  emu.faults.failNext(1, { status: 429, path: 'logs' });
  emu.faults.resetNext(1, { path: 'logs' });
  emu.faults.failNext(1, { status: 401, path: 'logs' });
  const stats = await page.evaluate(async () => {
    const log = (window as unknown as { log: { info(m: string): void; flush(): Promise<void>; stats(): { retries: number; sessions: number } } }).log;
    for (let i = 0; i < 20; i++) log.info(`r${i}`);
    await log.flush();
    return log.stats();
  });
  await page.close();
  expect(messages()).toEqual(['warm', ...Array.from({ length: 20 }, (_, i) => `r${i}`)]);
  expect(emu.faults.injected.map((f) => f.kind)).toHaveLength(4);
  // The 401 is retried at once on the new session; the others wait (Retry-After, backoff).
  expect(stats.retries).toBeGreaterThanOrEqual(2);
  expect(stats.sessions).toBe(2);
  expect(app.sessions).toBe(2);
  expect(emu.violations).toEqual([]);
});

it('the emulator counts an API key sent from a page as a violation', async () => {
  await start();
  const page = await openPage();
  const status = await page.evaluate(async ([url, key]) => (await fetch(`${url}/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key }) })).status, [emu.url, API_KEY]);
  await page.close();
  expect(status).toBe(200);
  expect(emu.violations.map((v) => v.rule)).toEqual(['key-from-browser']);
  expect(JSON.stringify(emu.violations)).not.toContain(API_KEY);
});

it("the README's page example runs as it is and delivers", async () => {
  await start();
  const page = await launched.browser.newPage();
  await page.goto(`${app.url}/readme`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  await page.evaluate(() => (window as unknown as { log: { flush(): Promise<void> } }).log.flush());
  await page.close();
  expect(emu.datamix.records.map((r) => [r.level, r.message])).toEqual([['info', 'checkout opened {"cartId":7}']]);
  expect(emu.violations).toEqual([]);
});

it('a page back from the back/forward cache starts a new session; nothing is lost or sent twice', async () => {
  await start();
  const page = await openPage({ batch: { intervalMs: 20 } });
  const stats = await page.evaluate(async () => {
    const w = window as unknown as { log: { info(m: string): void; flush(): Promise<void>; stats(): { sessions: number; carried: number; restored: number } } };
    w.log.info('before');
    await w.log.flush();
    w.log.info('at pagehide');
    // What the browser dispatches when it puts the page in the cache and restores it (real Chromium may skip the cache under automation).
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true }));
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    w.log.info('after');
    await w.log.flush();
    return w.log.stats();
  });
  await page.close();
  await emu.waitFor(() => emu.datamix.records.length === 3);
  expect(messages()).toEqual(['before', 'at pagehide', 'after']);
  expect(stats.sessions).toBe(2);
  expect(new Set(emu.datamix.records.map((r) => r.sessionId)).size).toBe(2);
  expect(emu.violations).toEqual([]);
});

it('while Datamix is down the buffer stays bounded: what overflows is dropped and counted', async () => {
  await start();
  emu.faults.down();
  const page = await openPage({ buffer: { maxBytes: 65_536 }, retry: { baseMs: 100, maxMs: 200 }, carryOver: false });
  const stats = await page.evaluate(() => {
    const log = (window as unknown as { log: { info(m: string): void; stats(): { logged: number; dropped: number; buffered: number } } }).log;
    for (let i = 0; i < 2000; i++) log.info(`record ${i} ${'x'.repeat(100)}`);
    return log.stats();
  });
  await page.close();
  expect(stats.logged).toBe(2000);
  expect(stats.dropped).toBeGreaterThan(0);
  expect(stats.dropped + stats.buffered).toBe(2000);
  expect(stats.buffered * 164).toBeLessThanOrEqual(65_536 + 60 * 1024);
});
