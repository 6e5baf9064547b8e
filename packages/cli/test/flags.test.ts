// The flags come from core's schema: every option gets one, and options added to the
// schema later (the Events API's, durable spools, sessions as {min, max}) get theirs unasked.
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { optionsSchema } from '../../core/src/options/options.js';
import { appliesTo, envName, flagsFor } from '../src/options/flags.js';
import { optionLeaves, type Schema } from '../src/options/optionLeaves.js';

const flagsOf = (schema: unknown) => flagsFor(optionLeaves(schema as Schema));

describe('flags from the options schema', () => {
  const flags = flagsOf(optionsSchema);
  const byName = new Map(flags.map((f) => [f.name, f]));

  it('names the flags as the issue and README do, with LOGFERRY_ + UPPER_SNAKE variables', () => {
    for (const name of ['api-key-env', 'url', 'sessions', 'bucket', 'api-url', 'events-url', 'batch-max-events', 'spool', 'stale', 'levels', 'exit-timeout-ms', 'allow-insecure']) {
      expect(byName.has(name), name).toBe(true);
    }
    expect(byName.get('batch-max-events')?.env).toBe('LOGFERRY_BATCH_MAX_EVENTS');
    expect(envName('api-key-env')).toBe('LOGFERRY_API_KEY_ENV');
    expect(byName.get('stale')?.leaf.choices).toEqual(['drop', 'restamp']);
    expect(byName.get('levels')?.leaf.kind).toBe('map');
  });

  it('gives every option of the schema a flag but those a command has no use for', () => {
    const paths = new Set(flags.map((f) => f.leaf.path.join('.')));
    for (const hidden of ['handleSignals', 'onError', 'worker', 'pinoWillSendConfig']) expect(paths.has(hidden)).toBe(false);
    expect(paths.size).toBe(flags.length);
    expect(paths.has('sink.type')).toBe(false); // the command names the API
  });

  it('keeps each API to its own flags, and a key flag names a variable', () => {
    const bucket = byName.get('bucket');
    const sessions = byName.get('sessions');
    expect(bucket && appliesTo(bucket, 'initialstate')).toBe(true);
    expect(bucket && appliesTo(bucket, 'datamix')).toBe(false);
    expect(sessions && appliesTo(sessions, 'datamix')).toBe(true);
    expect(byName.get('api-key-env')?.secret).toBe(true);
    expect(byName.get('client-key-env')?.secret).toBe(true);
    expect(byName.has('api-key')).toBe(false);
  });

  it('options added to the schema later get flags with no change to the CLI', () => {
    const int = z.int().check(z.minimum(1));
    const extended = z.strictObject({
      sink: z.discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('datamix'),
          apiKey: z.optional(z.string()),
          apiKeyFile: z.optional(z.string()),
          sessions: z._default(z.union([int, z.strictObject({ min: int, max: int })]), 1),
        }),
        z.strictObject({
          type: z.literal('initialstate'),
          api: z._default(z.enum(['logging', 'events']), 'logging'),
          accessKey: z.optional(z.string()),
          bucketKey: z.optional(z.string()),
          bucketName: z.string(),
        }),
      ]),
      spool: z.optional(z.strictObject({ path: z.string(), mode: z._default(z.enum(['default', 'durable']), 'default') })),
    });
    const names = new Map(flagsOf(extended).map((f) => [f.name, f]));
    expect([...names.keys()].sort()).toEqual(
      ['access-key-env', 'api', 'api-key-env', 'api-key-file', 'bucket', 'bucket-key', 'sessions', 'sessions-max', 'sessions-min', 'spool', 'spool-mode'].sort(),
    );
    expect(names.get('sessions')?.leaf.kind).toBe('int');
    expect(names.get('sessions-min')?.leaf.path).toEqual(['sink', 'sessions', 'min']);
    expect(names.get('access-key-env')?.secret).toBe(true);
    expect(names.get('bucket-key')?.secret).toBe(false);
    expect(names.get('api')?.leaf.choices).toEqual(['logging', 'events']);
    expect(names.get('spool-mode')?.env).toBe('LOGFERRY_SPOOL_MODE');
  });
});
