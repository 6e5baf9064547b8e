/**
 * The key options that may be read from a file instead (a mounted secret
 * the platform rewrites on rotation): the file option, the key option it
 * stands for, and the environment variable that is the key's other source.
 * node/keyFile.ts reads each file; the sinks ask it for the current key.
 */
export const KEY_FILES = [
  { file: 'apiKeyFile', key: 'apiKey', env: 'DATAMIX_API_KEY' },
  { file: 'clientKeyFile', key: 'clientKey', env: 'IS_CLIENT_KEY' },
  { file: 'accessKeyFile', key: 'accessKey', env: 'IS_ACCESS_KEY' },
] as const;

export type KeyFileSpec = (typeof KEY_FILES)[number];

/** The entry for a key option (`apiKey` → its file option and environment variable). */
export function keyFileFor(key: KeyFileSpec['key']): KeyFileSpec {
  return KEY_FILES.find((spec) => spec.key === key) as KeyFileSpec;
}
