// The browser tests' ground: Debian's Chromium starts headless under
// playwright-core, loads a page from 127.0.0.1 and runs its script.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, type LaunchedBrowser } from './support/chromium.js';

let launched: LaunchedBrowser;
beforeAll(async () => {
  launched = await launchChromium();
});
afterAll(async () => {
  await launched?.close();
});

test('Chromium loads a page from 127.0.0.1 and runs its script', async () => {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><p id="out"></p><script>document.getElementById("out").textContent = String(6 * 7)</script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const page = await launched.browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(await page.textContent('#out')).toBe('42');
  } finally {
    server.close();
  }
});
