import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { createClient, LogferryError } from '@logferry/core';

describe('createClient({ dispatcher })', () => {
  it('sends through the user’s undici Dispatcher (here a MockAgent: no socket), and leaves it open at close', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('https://datamix.example');
    const bodies: unknown[] = [];
    pool
      .intercept({ path: '/sessions', method: 'POST' })
      .reply(200, { token: 't1', expires: Date.now() + 3_600_000, system: 's', application: 'a', environment: 'e' });
    pool
      .intercept({ path: '/destinations/s.a.e/logs', method: 'POST' })
      .reply(200, (opts) => {
        bodies.push(JSON.parse(String(opts.body)));
        return { session: 't2', processed: 2, rejected: [] };
      });
    const client = createClient(
      { sink: { type: 'datamix', apiKey: 'user-key-123456', url: 'https://datamix.example' }, dispatcher: agent },
      { exitHooks: false },
    );
    client.log({ level: 'info', msg: 'one' });
    client.log({ level: 'warn', msg: 'two' });
    await client.flush();
    expect(client.stats()).toMatchObject({ delivered: 2, dropped: 0 });
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toMatchObject({ session: 't1', messages: [{ level: 'info', message: 'one' }, { level: 'warn', message: 'two' }] });
    await client.close();
    agent.assertNoPendingInterceptors();
    // Still usable: close() did not close the user's dispatcher.
    const res = await (pool.intercept({ path: '/ping', method: 'GET' }).reply(204), agent.request({ origin: 'https://datamix.example', path: '/ping', method: 'GET' }));
    expect(res.statusCode).toBe(204);
    await agent.close();
  });

  it('a dispatcher that is not one is a clear option error', () => {
    // @ts-expect-error not a Dispatcher: a type error too, and at run time a clear one
    const make = () => createClient({ sink: { type: 'datamix', apiKey: 'user-key-123456' }, dispatcher: { nope: true } }, { exitHooks: false });
    expect(make).toThrow(LogferryError);
    expect(make).toThrow(/^dispatcher: expected an undici Dispatcher/);
  });
});
