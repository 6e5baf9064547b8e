export type EmulatorErrorCode = 'LOGFERRY_EMULATOR_BAD_OPTION' | 'LOGFERRY_EMULATOR_TIMEOUT' | 'LOGFERRY_EMULATOR_CLOSED';

/** Errors the emulator throws at its caller (never at HTTP clients): a stable `code` and what to do next. */
export class EmulatorError extends Error {
  readonly code: EmulatorErrorCode;

  constructor(code: EmulatorErrorCode, message: string) {
    super(message);
    this.name = 'EmulatorError';
    this.code = code;
  }
}

export function badOption(message: string): EmulatorError {
  return new EmulatorError('LOGFERRY_EMULATOR_BAD_OPTION', message);
}
