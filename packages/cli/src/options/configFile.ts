import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../usageError.js';

/**
 * The options in a --config file, JSON or YAML (by extension: .yaml, .yml).
 * Parse errors give the place, never the text: the file may hold a key.
 */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--config: cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
  const yaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  let parsed: unknown;
  try {
    parsed = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new UsageError(`--config: ${path} is not valid ${yaml ? 'YAML' : 'JSON'}${line ? ` (line ${line})` : ''}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--config: ${path} must hold an object of options ({"sink": {...}, "batch": {...}})`);
  }
  return parsed as Record<string, unknown>;
}
