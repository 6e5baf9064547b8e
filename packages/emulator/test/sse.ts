import { get } from 'node:http';

/** The first server-sent event of a stream (then the connection is closed). */
export function firstEvent(url: string): Promise<{ event: string; data: unknown; raw: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      let raw = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        raw += chunk;
        const match = /event: (\S+)\ndata: (.*)\n\n/.exec(raw);
        if (match?.[1] !== undefined && match[2] !== undefined) {
          req.destroy();
          resolve({ event: match[1], data: JSON.parse(match[2]) as unknown, raw });
        }
      });
    });
    req.on('error', reject);
  });
}
