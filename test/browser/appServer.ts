// The app of the browser tests: one origin (127.0.0.1:<port>) serving the
// page, @logferry/browser's dist as it ships, pino's browser build, and the
// session endpoint (browserSessionHandler, which alone holds the key).
// Datamix (the emulator) is another port: another origin.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { browserSessionHandler } from '@logferry/core';

const here = import.meta.dirname;
const BROWSER_DIST = join(here, '..', '..', 'packages', 'browser', 'dist', 'index.js');

let pinoBundle: Promise<string> | undefined;
/** pino's own browser build (`pino/browser.js`, what bundlers pick for a page), as one script that sets `window.pino`. */
function pinoBrowser(): Promise<string> {
  pinoBundle ??= build({
    entryPoints: [createRequire(import.meta.url).resolve('pino/browser.js')],
    bundle: true,
    format: 'iife',
    globalName: 'pino',
    platform: 'browser',
    write: false,
    logLevel: 'warning',
  }).then((r) => (r.outputFiles[0] as { text: string }).text);
  return pinoBundle;
}

/**
 * The root README's page example (the code block after `<!-- readme:page`),
 * as it is, in a module script: an import map resolves '@logferry/browser' to
 * the dist the page loads, as a bundler would.
 */
function readmePage(): string {
  const readme = readFileSync(join(here, '..', '..', 'README.md'), 'utf8');
  const block = /<!-- readme:page[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no readme:page block');
  return `<!doctype html><meta charset="utf-8"><title>README example</title>
<script type="importmap">{ "imports": { "@logferry/browser": "/logferry-browser.js" } }</script>
<script type="module">${block}\nwindow.log = log; window.ready = true;</script>`;
}

export interface AppServer {
  url: string;
  /** Sessions the endpoint minted. */
  sessions: number;
  close(): Promise<void>;
}

export async function startAppServer(datamixUrl: string, apiKey: string): Promise<AppServer> {
  const handler = browserSessionHandler({ apiKey, url: datamixUrl });
  const state = { sessions: 0 };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (type: string, body: string): void => {
      res.setHeader('Content-Type', type);
      res.setHeader('Cache-Control', 'no-store');
      res.end(body);
    };
    if (req.method === 'POST' && path === '/logging-session') {
      state.sessions++;
      void handler(req, res);
    } else if (path === '/') {
      send('text/html; charset=utf-8', readFileSync(join(here, 'page.html'), 'utf8'));
    } else if (path === '/readme') {
      send('text/html; charset=utf-8', readmePage());
    } else if (path === '/logferry-browser.js') {
      send('text/javascript', readFileSync(BROWSER_DIST, 'utf8'));
    } else if (path === '/pino.js') {
      void pinoBrowser().then((js) => send('text/javascript', js));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get sessions() {
      return state.sessions;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
