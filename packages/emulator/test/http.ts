/** Small fetch wrappers for the emulator tests. */

export interface Response {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

export async function request(
  url: string,
  init: { method?: string; body?: string | Uint8Array; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  const res = await fetch(url, { method: init.method ?? 'POST', body: init.body, headers: init.headers, signal: init.signal });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return request(url, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers }, signal });
}

export function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
