/**
 * A configured API address as a base for its endpoints. It ends with a slash,
 * so that `new URL('sessions', base)` appends to its path (`https://h/api` +
 * `sessions` is `https://h/api/sessions`, not `https://h/sessions`).
 */
export function baseUrl(url: string): URL {
  return new URL(url.endsWith('/') ? url : `${url}/`);
}
