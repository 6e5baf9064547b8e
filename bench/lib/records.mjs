// The records every case logs: the same shape, from the same seeded PRNG, so
// every logger and transport carries identical data.

const ROUTES = ['/api/users', '/api/users/:id', '/api/orders', '/api/orders/:id/items', '/health', '/api/search', '/login', '/api/cart'];
const STATUSES = [200, 200, 200, 200, 200, 201, 204, 304, 400, 401, 404, 500];

/** mulberry32: a tiny seeded PRNG (deterministic across runs and processes). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MESSAGE = 'request handled';

/** Returns a function producing the next record's fields: { reqId, route, status, durationMs }. */
export function recordSource(seed = 0x10ff) {
  const rnd = mulberry32(seed);
  let i = 0;
  return () => {
    i++;
    return {
      reqId: `req-${i.toString(36)}-${Math.floor(rnd() * 0xffffff).toString(16)}`,
      route: ROUTES[Math.floor(rnd() * ROUTES.length)],
      status: STATUSES[Math.floor(rnd() * STATUSES.length)],
      durationMs: Math.round(rnd() * 250_000) / 1000,
    };
  };
}

/** The same records with ~2 KB of text each (`detail`), for the parallel-sessions cases. */
export function largeRecords(seed = 0x10ff) {
  const next = recordSource(seed);
  const detail = 'x'.repeat(1900);
  return () => ({ ...next(), detail });
}
