import { describe, expect, it } from 'vitest';
import { createSession, parseSessionBody, type SessionRequest } from '../src/protocols/datamix/session.js';
import { ServerClock } from '../src/record/timeWindow.js';
import { NetworkError, type Http, type HttpResponse, type PostOptions } from '../src/transport/http.js';

const KEY = 'secret-api-key-1234';
const DATE = 'Mon, 15 Jan 2024 12:00:00 GMT';

/** An Http that answers every POST with `answer` (or throws it) and remembers what was asked. */
function fakeHttp(answer: Partial<HttpResponse> | Error): Http & { calls: { url: string; body: string; options: PostOptions }[] } {
  const calls: { url: string; body: string; options: PostOptions }[] = [];
  return {
    calls,
    async post(url, body, options) {
      calls.push({ url: url.href, body: String(body), options });
      if (answer instanceof Error) throw answer;
      return { status: 200, headers: {}, body: '', sentAt: 0, receivedAt: 0, ...answer };
    },
    async close() {},
  };
}

const request = (extra: Partial<SessionRequest> = {}): SessionRequest => ({ url: 'https://datamix.example/api', apiKey: KEY, timeoutMs: 1000, ...extra });
const sessionBody = (fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ token: 'tok', expires: 1_705_323_600_000, system: 'sys', application: 'app', environment: 'prod', ...fields });

describe('createSession', () => {
  it('posts the key to <url>/sessions and reads the session', async () => {
    const http = fakeHttp({ status: 201, body: sessionBody() });
    const outcome = await createSession(http, request());
    expect(outcome).toEqual({ kind: 'session', session: { token: 'tok', expires: 1_705_323_600_000, destination: 'sys.app.prod', system: 'sys', application: 'app', environment: 'prod' } });
    expect(http.calls.map((c) => [c.url, JSON.parse(c.body) as unknown, c.options.timeoutMs])).toEqual([['https://datamix.example/api/sessions', { key: KEY }, 1000]]);
  });

  it('observes the answer on the clock it is given', async () => {
    const clock = new ServerClock(() => Date.parse(DATE) - 60_000);
    const outcome = await createSession(fakeHttp({ body: sessionBody(), headers: { date: DATE }, sentAt: Date.parse(DATE) - 60_000, receivedAt: Date.parse(DATE) - 60_000 }), request({ clock }));
    expect(outcome.kind).toBe('session');
    expect(clock.offset).toBe(60_500);
  });

  it('401 and 403 are a fatal LOGFERRY_AUTH_FAILED that does not name the key', async () => {
    for (const status of [401, 403]) {
      const outcome = await createSession(fakeHttp({ status, body: `{"error":"bad key ${KEY}"}` }), request());
      expect(outcome.kind).toBe('fatal');
      if (outcome.kind !== 'fatal') continue;
      expect(outcome.error.code).toBe('LOGFERRY_AUTH_FAILED');
      expect(outcome.error.message).toContain(`HTTP ${status}`);
      expect(outcome.error.message).not.toContain(KEY);
    }
  });

  it('any other status is retried, after Retry-After when it says', async () => {
    for (const status of [400, 404, 409, 429, 500, 503, 204]) {
      const outcome = await createSession(fakeHttp({ status, headers: { 'retry-after': '3' } }), request());
      expect(outcome).toMatchObject({ kind: 'retry', retryAfterMs: 3000, error: { code: 'LOGFERRY_HTTP' } });
    }
  });

  it('a request that got no answer is retried as LOGFERRY_HTTP, saying why', async () => {
    const outcome = await createSession(fakeHttp(new NetworkError('datamix.example/api/sessions: connect ECONNREFUSED', false, false)), request());
    expect(outcome).toMatchObject({ kind: 'retry', error: { code: 'LOGFERRY_HTTP', message: 'Datamix session request failed: datamix.example/api/sessions: connect ECONNREFUSED' } });
  });

  it('a 200 whose body is not a session is retried as LOGFERRY_PROTOCOL', async () => {
    for (const body of ['', 'not json', '[]', 'null', sessionBody({ token: undefined }), sessionBody({ system: 7 })]) {
      const outcome = await createSession(fakeHttp({ body }), request());
      expect(outcome, body).toMatchObject({ kind: 'retry', error: { code: 'LOGFERRY_PROTOCOL' } });
    }
  });
});

describe('parseSessionBody', () => {
  it('reads expires given as a number or a numeric string', () => {
    expect(parseSessionBody(sessionBody({ expires: '1705323600000' }))?.expires).toBe(1_705_323_600_000);
  });

  it('an unreadable expires is taken as an hour from now', () => {
    const before = Date.now();
    const expires = parseSessionBody(sessionBody({ expires: 'soon' }))?.expires ?? 0;
    expect(expires).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });
});
