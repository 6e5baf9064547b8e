/**
 * The one line every package prints for an error report: `[logferry] CODE:
 * message`, newline included. Callers pass reports that are already redacted.
 */
export function errorLine(error: { code: string; message: string }): string {
  return `[logferry] ${error.code}: ${error.message}\n`;
}
