import { createServer } from 'node:http';
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';

/** Reads a request body, undoing Content-Encoding (gzip, deflate, br). */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      try {
        const raw = Buffer.concat(chunks);
        const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
        if (encoding === 'gzip' || encoding === 'x-gzip') resolve(gunzipSync(raw));
        else if (encoding === 'deflate') resolve(inflateSync(raw));
        else if (encoding === 'br') resolve(brotliDecompressSync(raw));
        else resolve(raw);
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Counts non-empty lines of an NDJSON body. */
export function countLines(buf) {
  let count = 0;
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    const end = nl === -1 ? buf.length : nl;
    for (let i = start; i < end; i++) {
      if (buf[i] !== 32 && buf[i] !== 13 && buf[i] !== 9) {
        count++;
        break;
      }
    }
    if (nl === -1) return count;
    start = nl + 1;
  }
}

/**
 * A counting receiver on 127.0.0.1: `handle(req, body)` returns
 * { records, status, body, headers } for each request. Counts records,
 * requests, the time of the last record, and errors (bad bodies).
 */
export async function startReceiver(name, handle) {
  const state = { records: 0, requests: 0, inFlight: 0, errors: 0, lastAt: 0, lastError: undefined };
  let generation = 0; // bumped by reset(): a request from before a reset is not counted
  const server = createServer(async (req, res) => {
    const mine = generation;
    state.requests++;
    state.inFlight++;
    let out;
    let arrivedAt = Date.now();
    try {
      const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      // A record has arrived when its request body has: counting (parsing) is the receiver's own cost.
      arrivedAt = Date.now();
      out = handle(req, body);
    } catch (error) {
      const message = String(error.message ?? error);
      if (mine === generation) {
        state.errors++;
        state.lastError = message;
      }
      out = { status: 400, body: { error: message } };
    } finally {
      if (mine === generation) state.inFlight--;
    }
    if (out.records > 0 && mine === generation) {
      state.records += out.records;
      state.lastAt = Math.max(state.lastAt, arrivedAt);
    }
    const payload = typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? {});
    res.writeHead(out.status ?? 200, { 'content-type': 'application/json', ...out.headers });
    res.end(payload);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    url: `http://127.0.0.1:${server.address().port}`,
    status: () => ({ ...state }),
    reset() {
      generation++;
      state.records = 0;
      state.requests = 0;
      state.inFlight = 0;
      state.errors = 0;
      state.lastAt = 0;
      state.lastError = undefined;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
