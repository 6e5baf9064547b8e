/** UTF-8 without Node's Buffer, so record/ and protocols/ run in a browser as they are. */
export const UTF8 = new TextEncoder();

/** `text` as UTF-8 bytes (the constant pieces hand-written encoders copy). */
export function utf8(text: string): Uint8Array {
  return UTF8.encode(text);
}

/** `a` then `b` in one new array. */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
