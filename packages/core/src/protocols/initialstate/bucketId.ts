import { builtin } from '../../node/builtin.js';

/** logferry's fixed namespace for bucket ids: the same bucket name always gives the same id. */
export const BUCKET_NAMESPACE = '6f1c2b1e-8d0a-5b7e-9c3f-2a4d5e6f7a80';

/** RFC 4122 version-5 UUID (SHA-1, name-based). */
export function uuidV5(name: string, namespace: string = BUCKET_NAMESPACE): string {
  // Loaded on first use: only Initial State needs it, and node:crypto costs a worker ~4 ms to load.
  const { createHash } = builtin('node:crypto');
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
