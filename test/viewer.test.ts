// The emulator's live viewer in real headless Chromium: records arrive over
// server-sent events without a reload, the filters hide what they should, the
// fault buttons reach the emulator, and whatever a client logs stays text.
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createClient } from '@logferry/core';
import { startEmulator, type Emulator } from '@logferry/emulator';
import { artifactPath, launchChromium, type LaunchedBrowser } from './support/chromium.js';

let launched: LaunchedBrowser;
let emu: Emulator;
let page: Page;

beforeAll(async () => {
  launched = await launchChromium();
});
afterAll(async () => {
  await launched?.close();
});
beforeEach(async () => {
  emu = await startEmulator();
  page = await launched.browser.newPage();
  await page.goto(`${emu.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
});
afterEach(async () => {
  await page.close();
  await emu.close();
});

function datamixClient(extra: Record<string, unknown> = {}) {
  return createClient({ sink: { type: 'datamix', apiKey: 'test-key', url: emu.url }, batch: { intervalMs: 20 }, retry: { baseMs: 20, maxMs: 200 }, ...extra }, { exitHooks: false });
}

/** POST a JSON body to the emulator, as a raw client would. */
function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${emu.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * Waits until `expression` is true in the page, asking from here every 20 ms. Not
 * page.waitForFunction: when its first check is false it polls inside the page by
 * evaluating the text, which the viewer's CSP (script-src 'self', no 'unsafe-eval')
 * refuses. page.evaluate goes through the debugging protocol, which the CSP does not
 * govern. Conditions are text, so this file needs no DOM types.
 */
async function until(expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`the page never had ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
const rowCount = (n: number) => until(`document.querySelectorAll('[data-testid="record"]').length === ${n}`);
const faultResult = (text: string) => until(`document.querySelector('[data-testid="fault-result"]')?.textContent?.includes(${JSON.stringify(text)})`);
const rows = () => page.locator('[data-testid="records"] [data-testid="record"]');
const visibleMessages = () => page.locator('[data-testid="record"]:visible td.message').allTextContents();

describe('the viewer', () => {
  it('shows records logged after the page opened, without a reload', async () => {
    await page.evaluate('window.__sameDocument = true');
    expect(await rows().count()).toBe(0);
    const client = datamixClient();
    for (const [level, msg] of [['info', 'first'], ['warn', 'second'], ['error', 'third']] as const) client.log({ level, time: Date.now(), msg });
    await client.close();
    await rowCount(3);
    expect(await page.locator('td.message').allTextContents()).toEqual(['first', 'second', 'third']);
    expect(await page.locator('[data-testid="record"] td.target').allTextContents()).toEqual(['test.app.dev', 'test.app.dev', 'test.app.dev']);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    // Counters come with each API request's push: wait for the one after the logs request.
    await until(`document.querySelector('[data-testid="record-count"]')?.textContent === '3'`);
    expect(await page.textContent('[data-testid="sessions"]')).toBe('1 (1 live)');
  });

  it('the level filter hides records below the chosen level, the search box and the destination filter narrow further', async () => {
    const client = datamixClient();
    for (const level of ['debug', 'info', 'warn', 'error', 'fatal'] as const) client.log({ level, time: Date.now(), msg: `${level} message` });
    await client.close();
    const is = createClient({ sink: { type: 'initialstate', clientKey: 'test-client-key', bucketName: 'orders', apiUrl: emu.url, eventsUrl: emu.url }, batch: { intervalMs: 20 } }, { exitHooks: false });
    is.log({ level: 'warn', time: Date.now(), msg: 'bucket warning' });
    await is.close();
    await rowCount(6);

    await page.selectOption('[data-testid="level-filter"]', 'warn');
    expect(await visibleMessages()).toEqual(['warn message', 'error message', 'fatal message', 'WARN bucket warning']);
    await page.selectOption('[data-testid="level-filter"]', 'fatal');
    expect(await visibleMessages()).toEqual(['fatal message']);
    await page.selectOption('[data-testid="level-filter"]', '');
    expect(await rows().locator('visible=true').count()).toBe(6);

    await page.fill('[data-testid="search"]', 'ERROR');
    expect(await visibleMessages()).toEqual(['error message']);
    await page.fill('[data-testid="search"]', '');
    await page.selectOption('[data-testid="target-filter"]', { label: 'initialstate: orders' });
    expect(await visibleMessages()).toEqual(['WARN bucket warning']);
  });

  it('is keyboard-usable: "/" focuses the search, Tab reaches the filters and fault buttons', async () => {
    await page.keyboard.press('/');
    expect(await page.evaluate(`document.activeElement?.getAttribute('data-testid')`)).toBe('search');
    const reached = new Set<string>();
    await page.locator('body').focus();
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate<string>(`document.activeElement?.getAttribute('data-testid') ?? ''`);
      if (id) reached.add(id);
    }
    for (const id of ['fault-fail-next', 'fault-429', 'fault-down', 'fault-expire', 'level-filter', 'search']) expect(reached.has(id), id).toBe(true);
  });

  it('the fail-next button makes the next API request fail, and the violations panel shows violations', async () => {
    await page.click('[data-testid="fault-fail-next"]');
    await faultResult('applied');
    const failed = await post('/sessions', { key: 'test-key' });
    expect(failed.status).toBe(500);
    const next = await post('/sessions', { key: 'test-key' });
    expect(next.status).toBe(200);
    expect(emu.faults.injected).toEqual([{ kind: 'fail', path: '/sessions' }]);

    await post('/sessions', { key: 'no-such-key' });
    await page.waitForSelector('[data-testid="violations"] [data-testid="violation"]');
    expect(await page.locator('[data-testid="violation"] .rule').allTextContents()).toEqual(['bad-api-key']);
  });

  it('429, down and expire buttons reach the emulator', async () => {
    await page.click('[data-testid="fault-429"]');
    await faultResult('"429"');
    const limited = await post('/sessions', { key: 'test-key' });
    expect(limited.status).toBe(429);

    const session = JSON.parse((await post('/sessions', { key: 'test-key' })).body) as { token: string };
    await page.click('[data-testid="fault-expire"]');
    await faultResult('expire');
    const expired = await post('/destinations/test.app.dev/logs', { session: session.token, messages: [{ level: 'info', timestamp: Date.now(), message: 'late' }] });
    expect(expired.status).toBe(401);
    expect(expired.body).toContain('session expired');

    await page.fill('[data-testid="fault-seconds"]', '60');
    await page.click('[data-testid="fault-down"]');
    await faultResult('down');
    await expect(post('/sessions', { key: 'test-key' })).rejects.toThrow();
    emu.faults.clear();
  });

  it('POST /_faults refuses a cross-origin page and a body without JSON', async () => {
    expect((await post('/_faults', { action: 'down' }, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('/_faults', { action: 'down' }, { 'content-type': 'text/plain' })).status).toBe(403);
    expect((await post('/_faults', { action: 'explode' })).status).toBe(400);
    expect((await post('/sessions', { key: 'test-key' })).status).toBe(200);
  });

  it('shows HTML and <script> in messages, field names and bucket names as text', async () => {
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const client = datamixClient();
    client.log({ level: 'error', time: Date.now(), msg: payload, [`<b onmouseover="window.__xss=3">field</b>`]: '<i>v</i>' });
    await client.close();
    const bucket = '<script>window.__xss=4</script>';
    const is = createClient({ sink: { type: 'initialstate', clientKey: 'test-client-key', bucketName: bucket, apiUrl: emu.url, eventsUrl: emu.url }, batch: { intervalMs: 20 } }, { exitHooks: false });
    is.log({ level: 'info', time: Date.now(), msg: payload });
    await is.close();
    // A signal (field) name as a raw client may send it: the transport itself cleans signal names.
    const signal = '<svg onload="window.__xss=5">';
    expect((await post('/batch_logs', [{ b: bucket, sn: signal, v: 1, e: Date.now() / 1000, tid: emu.initialState.buckets[0]?.bucketId }], { 'x-is-clientkey': 'test-client-key' })).status).toBe(204);
    await rowCount(3);

    const messages = await page.locator('td.message').allTextContents();
    expect(messages[0]).toBe(`${payload} {"<b onmouseover=\\"window.__xss=3\\">field</b>":"<i>v</i>"}`);
    expect(messages[1]).toContain(payload);
    expect(await page.locator('[data-testid="record"] td.target').allTextContents()).toEqual(['test.app.dev', bucket, bucket]);
    expect(await page.locator('[data-testid="record"] td:nth-child(6)').allTextContents()).toEqual(['', 'log', signal]);
    expect(await page.locator('[data-testid="target-filter"] option').allTextContents()).toContain(`initialstate: ${bucket}`);
    expect(await page.locator('[data-testid="records"] img, [data-testid="records"] script, [data-testid="records"] svg, [data-testid="records"] b').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
  });

  it('keeps a screenshot of a busy viewer as an artifact', async () => {
    const client = datamixClient();
    const levels = ['info', 'info', 'debug', 'warn', 'info', 'error', 'info', 'fatal'] as const;
    levels.forEach((level, n) => client.log({ level, time: Date.now(), msg: `order ${1000 + n} ${level === 'info' ? 'shipped' : 'needs attention'}`, orderId: 1000 + n }));
    await client.close();
    const is = createClient({ sink: { type: 'initialstate', clientKey: 'test-client-key', bucketName: 'checkout', apiUrl: emu.url, eventsUrl: emu.url, fields: ['cart'] }, batch: { intervalMs: 20 } }, { exitHooks: false });
    is.log({ level: 'warn', time: Date.now(), msg: 'payment retried', cart: 3 });
    await is.close();
    await post('/sessions', { key: 'wrong-key' });
    await page.waitForSelector('[data-testid="violation"]');
    await rowCount(10);
    await page.setViewportSize({ width: 1100, height: 620 });
    const path = artifactPath('viewer.png');
    await page.screenshot({ path, fullPage: false });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: artifactPath('viewer-dark.png') });
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(13, 17, 23)');
  });
});
