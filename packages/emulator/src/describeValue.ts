/** A short, printable rendering of a client-sent value for error messages and violation details. */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Absurdly deep JSON overflows the stack when re-serialised; the detail is not worth a 500.
    text = Array.isArray(value) ? '[...]' : typeof value === 'object' ? '{...}' : typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
