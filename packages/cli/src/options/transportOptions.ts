import { Option, type Command } from 'commander';
import { optionsSchema, parseOptions, LogferryError, type ResolvedOptions } from '@logferry/core';
import { UsageError } from '../usageError.js';
import { readConfigFile } from './configFile.js';
import { flagValue } from './flagValue.js';
import { appliesTo, envName, flagsFor, isSecretName, type Flag } from './flags.js';
import { optionLeaves, type Schema } from './optionLeaves.js';

/** Every transport option's flag, from core's schema (computed once). */
export const FLAGS: readonly Flag[] = flagsFor(optionLeaves(optionsSchema as unknown as Schema));

export const SINK_TYPES = ['datamix', 'initialstate'] as const;
export type SinkType = (typeof SINK_TYPES)[number];

/** `<n>`, `<a,b>`, `<name=level,…>`: what --help shows a flag takes. */
function placeholder(flag: Flag): string {
  if (flag.secret) return '<VAR>';
  switch (flag.leaf.kind) {
    case 'int':
    case 'number':
      return '<n>';
    case 'list':
      return '<a,b,…>';
    case 'map':
      return '<name=value,…>';
    case 'enum':
      return '<choice>';
    default:
      return `<${flag.leaf.path[flag.leaf.path.length - 1]?.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) ?? 'value'}>`;
  }
}

/** Adds the flags of the given sink types (and the shared ones) to a command, plus --config. */
export function addTransportOptions(command: Command, types: readonly SinkType[]): Command {
  command.addOption(new Option('--config <file>', `options file, JSON or YAML; flags win over LOGFERRY_* variables, which win over the file [${envName('config')}]`));
  for (const flag of FLAGS) {
    if (!types.some((t) => appliesTo(flag, t))) continue;
    const help = `${flag.description} [${flag.env}]`;
    if (flag.leaf.kind === 'boolean') {
      // Both forms, so a flag can undo the file or the environment; help shows the one that changes the default.
      const onByDefault = flag.leaf.defaultValue === true;
      command.addOption(new Option(`--${flag.name}`, help).hideHelp(onByDefault));
      command.addOption(new Option(`--no-${flag.name}`, help).hideHelp(!onByDefault));
      continue;
    }
    const option = new Option(`--${flag.name} ${placeholder(flag)}`, help);
    if (flag.leaf.kind === 'enum' && flag.leaf.choices) option.choices(flag.leaf.choices);
    command.addOption(option);
    // The key itself as a flag would show in `ps`: refused, without echoing it.
    if (flag.secret) command.addOption(new Option(`--${flag.name.replace(/-env$/, '')} <key>`).hideHelp());
  }
  return command;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    const child: Record<string, unknown> = typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    Object.defineProperty(node, key, { value: child, enumerable: true, writable: true, configurable: true });
    node = child;
  }
  const last = path[path.length - 1];
  if (last !== undefined) Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}

/** Secrets a file may hold (sink.apiKey, …): kept for redaction. */
function fileSecrets(file: Record<string, unknown>): string[] {
  const sink = file.sink;
  if (typeof sink !== 'object' || sink === null) return [];
  return Object.entries(sink).flatMap(([key, value]) => (isSecretName(key) && typeof value === 'string' ? [value] : []));
}

export interface GatheredOptions {
  /** The options object, before core parses it. */
  input: Record<string, unknown>;
  /** Every secret value seen, for redaction of anything printed. */
  secrets: string[];
}

/**
 * The options for one sink type, from the file, then LOGFERRY_* variables,
 * then flags: each later source wins, field by field.
 */
export function gatherOptions(command: Command, sinkType: SinkType, env: NodeJS.ProcessEnv): GatheredOptions {
  const values = command.opts<Record<string, unknown>>();
  const configPath = (values.config as string | undefined) ?? env[envName('config')];
  const input: Record<string, unknown> = configPath ? readConfigFile(configPath) : {};
  const secrets = fileSecrets(input);
  const fileType = (input.sink as { type?: unknown } | undefined)?.type;
  if (fileType !== undefined && fileType !== sinkType) {
    throw new UsageError(`--config: the file's sink.type is ${JSON.stringify(fileType)}, but the command is ${sinkType}`);
  }
  setPath(input, ['sink', 'type'], sinkType);
  for (const flag of FLAGS) {
    const attribute = flag.name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const fromFlag = command.getOptionValueSource(attribute) === 'cli' ? (values[attribute] as string | boolean | undefined) : undefined;
    const secretFlag = flag.secret ? attribute.replace(/Env$/, '') : undefined;
    if (secretFlag && command.getOptionValueSource(secretFlag) === 'cli') {
      throw new UsageError(`--${flag.name.replace(/-env$/, '')}: a key is not taken on the command line (any user can read it with ps); put it in an environment variable and pass --${flag.name} VAR`);
    }
    const fromEnv = env[flag.env];
    if (fromFlag === undefined && fromEnv === undefined) continue;
    if (!appliesTo(flag, sinkType)) {
      const where = fromFlag !== undefined ? `--${flag.name}` : flag.env;
      throw new UsageError(`${where}: not an option of ${sinkType} (it is one of ${flag.leaf.variants?.join(', ') ?? 'none'})`);
    }
    const value = fromFlag !== undefined ? flagValue(flag, fromFlag, `--${flag.name}`, env) : flagValue(flag, fromEnv ?? '', flag.env, env);
    if (flag.secret && typeof value === 'string') secrets.push(value);
    setPath(input, flag.leaf.path, value);
  }
  return { input, secrets };
}

/** Names the flag beside each option path in core's error (`--batch-max-events (batch.maxEvents): …`). */
function withFlagNames(message: string): string {
  const byPath = [...FLAGS].sort((a, b) => b.leaf.path.join('.').length - a.leaf.path.join('.').length);
  let out = message;
  for (const flag of byPath) {
    const path = flag.leaf.path.join('.');
    out = out.replace(new RegExp(`(^|— |; )${path.replace(/\./g, '\\.')}(\\.[\\w.]+)?:`, 'g'), (_m, lead: string, rest: string | undefined) => `${lead}--${flag.name} (${path}${rest ?? ''}):`);
  }
  return out;
}

/** Core parses the gathered options once; an option error becomes a usage error naming the flag. */
export function resolveGathered(gathered: GatheredOptions, env: NodeJS.ProcessEnv): ResolvedOptions {
  try {
    return parseOptions(gathered.input, env);
  } catch (error) {
    if (error instanceof LogferryError && (error.code === 'LOGFERRY_BAD_OPTION' || error.code === 'LOGFERRY_INSECURE_URL')) {
      throw new UsageError(withFlagNames(error.message));
    }
    throw error;
  }
}
