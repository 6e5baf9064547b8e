/** An answer's body as JSON, or undefined when it is not JSON: the caller checks its shape. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
