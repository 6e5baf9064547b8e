import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import { addSecrets } from './output.js';
import { addTransportOptions, gatherOptions, resolveGathered, SINK_TYPES, type SinkType } from './options/transportOptions.js';
import { UsageError } from './usageError.js';

const EXAMPLES = `
Examples:
  node app.js | logferry datamix --api-key-env DATAMIX_API_KEY
  node app.js | logferry initialstate --bucket checkout --client-key-env IS_CLIENT_KEY
  logferry check datamix --expect shop.checkout.prod
  logferry replay ./logferry.spool datamix --config logferry.yaml
  logferry emulator --port 4318 --open

Every transport option is a flag, an environment variable (LOGFERRY_ + the flag
in upper snake case: --batch-max-events → LOGFERRY_BATCH_MAX_EVENTS) and a
field of the --config file. Flags win over the environment, which wins over the file.
Keys come from the environment (DATAMIX_API_KEY, IS_CLIENT_KEY, or the variable
a --*-key-env flag names), never from the command line.

Exit codes: 0 everything delivered; 1 something was not (dropped, spooled,
rejected, a refused key); 2 a usage or option error.`;

function sinkTypeOf(text: string): SinkType {
  if ((SINK_TYPES as readonly string[]).includes(text)) return text as SinkType;
  throw new UsageError(`unknown API "${text}": use ${SINK_TYPES.join(' or ')}`);
}

/** What an action resolved to; commander's own parse result carries no exit code. */
export interface Outcome {
  code: number;
}

// Each command's module loads when it runs: `--help` and pipe mode need neither the emulator nor the progress bar.

/** The `logferry` command, parsed by commander. Each action stores its exit code in `outcome`. */
export function buildProgram(env: NodeJS.ProcessEnv, outcome: Outcome): Command {
  const program = new Command('logferry')
    .description('Ship pino and winston logs to Datamix or Initial State; check a key; replay a spool; run the local emulator.')
    .version((createRequire(import.meta.url)('../package.json') as { version: string }).version)
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined });

  const options = (command: Command, type: SinkType) => {
    const gathered = gatherOptions(command, type, env);
    addSecrets(gathered.secrets);
    return resolveGathered(gathered, env);
  };

  for (const type of SINK_TYPES) {
    const sub = program
      .command(type)
      .description(`ship stdin (pino or winston NDJSON, or plain text lines) to ${type === 'datamix' ? 'Datamix' : 'Initial State'}`)
      .addOption(new Option('--tee', 'also pass every line through to stdout [LOGFERRY_TEE]'))
      .addOption(new Option('--quiet', 'no summary line on stderr at the end'))
      .exitOverride();
    addTransportOptions(sub, [type]).action(async (_opts: unknown, command: Command) => {
      const teeEnv = env.LOGFERRY_TEE;
      const tee = command.getOptionValueSource('tee') === 'cli' || (teeEnv !== undefined && /^(1|true|yes|on)$/i.test(teeEnv));
      const { pipe } = await import('./commands/pipe.js');
      outcome.code = await pipe(options(command, type), { tee, quiet: command.opts().quiet === true });
    });
  }

  const checkCommand = program.command('check').description('use the key once (a session, a bucket) and say what it reaches').exitOverride();
  for (const type of SINK_TYPES) {
    const sub = checkCommand
      .command(type)
      .description(type === 'datamix' ? 'create a Datamix session: its destination, the clock offset, the round trip' : 'create the Initial State bucket: the bucket, the clock offset, the round trip')
      .addOption(new Option('--expect <target>', type === 'datamix' ? 'the destination the key must reach (system.application.environment)' : 'the bucket (name or key) that must be used'))
      .exitOverride();
    addTransportOptions(sub, [type]).action(async (_opts: unknown, command: Command) => {
      const { check } = await import('./commands/check.js');
      outcome.code = await check(options(command, type), command.opts<{ expect?: string }>().expect);
    });
  }

  const replayCommand = program
    .command('replay')
    .description('send a spool file (resumable), with progress and a summary')
    .argument('<spool>', 'the spool file')
    .argument('<api>', SINK_TYPES.join(' or '))
    .exitOverride();
  addTransportOptions(replayCommand, SINK_TYPES).action(async (spool: string, api: string, _opts: unknown, command: Command) => {
    const { replay } = await import('./commands/replay.js');
    outcome.code = await replay(spool, options(command, sinkTypeOf(api)));
  });

  program
    .command('emulator')
    .description('run the local Datamix + Initial State emulator with its live viewer page')
    .option('--port <n>', 'port', '4318')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--open', 'open the viewer in a browser')
    .exitOverride()
    .action(async (opts: { port: string; host: string; open?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a port number (0-65535), got "${opts.port}"`);
      const { emulator } = await import('./commands/emulator.js');
      outcome.code = await emulator(port, opts.host, opts.open === true);
    });

  return program;
}

/** Commander's message, with anything after `=` in a flag dropped: `--api-key=…` must not echo the key. */
export function usageMessage(error: CommanderError): string {
  return error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').replace(/(--[\w-]+)=[^'\s]*/g, '$1');
}
