// A minimal Loki push receiver: POST /loki/api/v1/push, JSON
// ({ streams: [{ stream, values: [[ts, line, meta?], ...] }] }), gzip allowed.
// Counts every value; answers 204 like Loki. Snappy-protobuf bodies are refused (415).
import { startReceiver } from './http.mjs';

export function startLoki() {
  return startReceiver('loki', (req, body) => {
    const path = req.url.split('?')[0];
    if (req.method !== 'POST' || path !== '/loki/api/v1/push') return { status: 404, body: { error: 'not found' } };
    if (!String(req.headers['content-type'] ?? '').includes('json')) throw new Error('only JSON pushes are supported');
    const push = JSON.parse(body.toString('utf8'));
    let records = 0;
    for (const stream of push.streams ?? []) records += stream.values?.length ?? 0;
    return { status: 204, records, body: '' };
  });
}
