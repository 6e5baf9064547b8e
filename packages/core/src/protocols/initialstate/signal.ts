const MAX_SIGNAL = 100;

/** Signal (event key) names: printable, no quotes or control characters, at most 100 characters. Both Initial State APIs allow 100. */
export function sanitizeSignal(name: string): string {
  const clean = name.replace(/[^\w .:/-]/g, '_').trim();
  return (clean === '' ? 'log' : clean).slice(0, MAX_SIGNAL);
}
