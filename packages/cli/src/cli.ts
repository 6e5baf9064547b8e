import { CommanderError } from 'commander';
import { LogferryError } from '@logferry/core';
import { addSecrets, printError } from './output.js';
import { buildProgram, usageMessage, type Outcome } from './program.js';
import { UsageError } from './usageError.js';

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * Runs the command with `argv` (without node and the script) and resolves to
 * its exit code: 0 delivered, 1 not everything delivered, 2 usage. Never
 * rejects; every problem is one line on stderr.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  addSecrets([env.DATAMIX_API_KEY, env.IS_CLIENT_KEY, env.IS_ACCESS_KEY]);
  const outcome: Outcome = { code: 0 };
  const program = buildProgram(env, outcome);
  if (argv.length === 0) {
    // No command is a usage error: the help goes where errors go.
    process.stderr.write(program.helpInformation());
    return 2;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return outcome.code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (HELP_CODES.has(error.code)) return 0;
      printError({ code: 'LOGFERRY_USAGE', message: `${usageMessage(error)} (see logferry --help)` });
      return 2;
    }
    if (error instanceof UsageError) {
      printError(error);
      return 2;
    }
    if (error instanceof LogferryError) {
      printError(error);
      return error.code === 'LOGFERRY_BAD_OPTION' || error.code === 'LOGFERRY_INSECURE_URL' ? 2 : 1;
    }
    printError({ code: 'LOGFERRY_ERROR', message: error instanceof Error ? error.message : String(error) });
    return 1;
  }
}
