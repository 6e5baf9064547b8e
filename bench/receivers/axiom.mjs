// A minimal Axiom ingest receiver: POST /v1/datasets/<ds>/ingest (what
// @axiomhq/js uses when `url` is set) and /v1/ingest/<ds> (its edge path), NDJSON
// or a JSON array, gzip allowed. Answers 200 with the ingest status.
import { countLines, startReceiver } from './http.mjs';

const INGEST = /^\/v1\/(?:datasets\/[^/]+\/ingest|ingest\/[^/]+)$/;

export function startAxiom() {
  return startReceiver('axiom', (req, body) => {
    const path = req.url.split('?')[0];
    if (req.method !== 'POST' || !INGEST.test(path)) return { status: 404, body: { message: 'not found' } };
    const type = String(req.headers['content-type'] ?? '');
    let records;
    if (type.includes('ndjson')) records = countLines(body);
    else {
      const parsed = JSON.parse(body.toString('utf8'));
      records = Array.isArray(parsed) ? parsed.length : 1;
    }
    return {
      records,
      body: { ingested: records, failed: 0, failures: [], processedBytes: body.length, blocksCreated: 0, walLength: records },
    };
  });
}
