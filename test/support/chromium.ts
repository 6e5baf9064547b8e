// Real headless Chromium for the browser and viewer tests: Debian's `chromium`
// (installed by .ci/run with apt-get), driven by playwright-core. No browser
// download: playwright-core is pointed at the system binary.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.LOGFERRY_CHROMIUM ?? '/usr/bin/chromium';

/** Where tests keep screenshots (an artifact CI can keep). */
export const ARTIFACTS_DIR = join(import.meta.dirname, '..', '.artifacts');

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium (playwright gives it a fresh temporary profile). Without the
 * background-networking flags Chromium keeps trying hosts this machine's
 * closed network refuses.
 */
export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run .ci/run, or apt-get install chromium`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}
