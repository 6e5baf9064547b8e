import { sha1 } from './sha1.js';

/** logferry's fixed namespace for bucket ids: the same bucket name always gives the same id. */
export const BUCKET_NAMESPACE = '6f1c2b1e-8d0a-5b7e-9c3f-2a4d5e6f7a80';

const HEX = /^[0-9a-f]{2}$/i;

/** A UUID's 16 bytes from its hex digits (dashes ignored); like Buffer.from(…, 'hex'), it stops at the first pair that is not hex. */
function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  const bytes: number[] = [];
  for (let i = 0; i + 2 <= hex.length; i += 2) {
    const pair = hex.slice(i, i + 2);
    if (!HEX.test(pair)) break;
    bytes.push(parseInt(pair, 16));
  }
  return Uint8Array.from(bytes);
}

/** RFC 4122 version-5 UUID (SHA-1, name-based). */
export function uuidV5(name: string, namespace: string = BUCKET_NAMESPACE): string {
  const ns = uuidBytes(namespace);
  const utf8 = new TextEncoder().encode(name);
  const input = new Uint8Array(ns.length + utf8.length);
  input.set(ns);
  input.set(utf8, ns.length);
  const hash = sha1(input);
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = Array.from(hash.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
