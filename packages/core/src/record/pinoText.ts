/** Where a pino line's message and fields sit in it (nothing copied or escaped). */
export interface PinoSpans {
  line: string;
  /** `line.slice(fieldsStart, fieldsEnd)`: the fields between time and the message, as JSON text without braces ('' if none). */
  fieldsStart: number;
  fieldsEnd: number;
  /** `line.slice(msgStart, msgEnd)`: the message as pino escaped it (the inside of a JSON string). */
  msgStart: number;
  msgEnd: number;
}

/**
 * The message text, `msg {fields}` (`{fields}` with no msg, `msg` with no
 * fields), read from the line's own pieces: the message is decoded only when
 * pino escaped something in it, the fields are kept as the JSON they are.
 */
export function pinoText(p: PinoSpans): string {
  const { line, fieldsStart, fieldsEnd, msgStart, msgEnd } = p;
  const raw = line.slice(msgStart, msgEnd);
  const msg = raw.indexOf('\\') === -1 ? raw : (JSON.parse(line.slice(msgStart - 1, msgEnd + 1)) as string);
  if (fieldsStart === fieldsEnd) return msg;
  const fields = line.slice(fieldsStart, fieldsEnd);
  return msg === '' ? `{${fields}}` : `${msg} {${fields}}`;
}

/** The length in UTF-16 units of pinoText's result as a JSON string literal, estimated without escaping: the fields' quotes and backslashes are guessed at a quarter of them. */
export function pinoJsonLength(p: PinoSpans): number {
  const fields = p.fieldsEnd - p.fieldsStart;
  return p.msgEnd - p.msgStart + (fields === 0 ? 2 : fields + (fields >> 2) + 5);
}

