/** A command line the command cannot run: a bad flag, value, file or combination. Exit code 2; the message names the flag. */
export class UsageError extends Error {
  readonly code = 'LOGFERRY_USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
