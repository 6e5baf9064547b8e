import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';
import { UsageError } from '../usageError.js';
import type { Flag } from './flags.js';

const english = en().localeError;

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function scalar(text: string): string | number {
  return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
}

function converted(flag: Flag, text: string, where: string): unknown {
  switch (flag.leaf.kind) {
    case 'boolean':
      if (TRUE.has(text.toLowerCase())) return true;
      if (FALSE.has(text.toLowerCase())) return false;
      throw new UsageError(`${where}: expected true or false, got "${text}"`);
    case 'int':
    case 'number': {
      const n = text.trim() === '' ? NaN : Number(text);
      if (Number.isNaN(n)) throw new UsageError(`${where}: expected a number, got "${text}"`);
      return n;
    }
    case 'scalar':
      return scalar(text);
    case 'list':
      return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'map': {
      const map: Record<string, unknown> = {};
      for (const pair of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`${where}: expected name=value pairs separated by commas (audit=warn,trace=debug), got "${pair}"`);
        Object.defineProperty(map, pair.slice(0, eq).trim(), { value: scalar(pair.slice(eq + 1).trim()), enumerable: true, writable: true, configurable: true });
      }
      return map;
    }
    default:
      return text;
  }
}

/**
 * One flag's or environment variable's text as the option's value, checked
 * against the option's own schema, so an error names where the value came
 * from. A secret's text is the name of the variable that holds it.
 */
export function flagValue(flag: Flag, text: string | boolean, where: string, env: NodeJS.ProcessEnv): unknown {
  if (flag.secret) {
    const name = String(text);
    const secret = env[name];
    if (secret === undefined || secret === '') throw new UsageError(`${where}: the environment variable ${name} is not set`);
    return secret;
  }
  const value = typeof text === 'boolean' ? text : converted(flag, text, where);
  const check = (schema: unknown) => z.safeParse(schema as z.ZodMiniType, value, { error: english });
  const result = check(flag.leaf.schema);
  if (!result.success && !(flag.leaf.alternatives ?? []).some((schema) => check(schema).success)) {
    const issue = result.error.issues[0];
    throw new UsageError(`${where}: ${issue?.message ?? 'invalid value'}`);
  }
  return value;
}
