// A minimal Elasticsearch receiver: GET / (version info), POST /_bulk and
// /<index>/_bulk (NDJSON, action + document pairs; gzip allowed) answered with
// { errors: false, items: [...] } one item per action, and 200 {} for anything
// else (e.g. the bulk helper's _refresh). Every response carries the
// x-elastic-product header the official client checks.
import { countLines, startReceiver } from './http.mjs';

const PRODUCT = { 'x-elastic-product': 'Elasticsearch' };
const ITEM = '{"index":{"_index":"bench","_id":"1","_version":1,"result":"created","status":201}}';

export function startElasticsearch() {
  return startReceiver('elasticsearch', (req, body) => {
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/') {
      return {
        headers: PRODUCT,
        body: {
          name: 'bench',
          cluster_name: 'bench',
          version: { number: '8.19.0', build_flavor: 'default', lucene_version: '9.12.0', minimum_wire_compatibility_version: '7.17.0' },
          tagline: 'You Know, for Search',
        },
      };
    }
    if (req.method === 'POST' && path.endsWith('/_bulk')) {
      const lines = countLines(body);
      if (lines % 2 !== 0) throw new Error(`bulk body has an odd number of lines (${lines})`);
      const docs = lines / 2;
      const items = new Array(docs).fill(ITEM).join(',');
      return { headers: PRODUCT, records: docs, body: `{"took":1,"errors":false,"items":[${items}]}` };
    }
    return { headers: PRODUCT, body: {} };
  });
}
