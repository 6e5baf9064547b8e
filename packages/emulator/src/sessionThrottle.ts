/**
 * Datamix's per-session throughput (its documentation gives about 5 MB/s a
 * session): a logs request holds its session until `bodyBytes` at
 * `bytesPerSec` after `since` (when its body had arrived), so reading its JSON counts within
 * that time. The session is busy meanwhile, so a
 * session's requests, one at a time, never go faster than that. 0: no cap.
 */
export function sessionThrottle(since: number, bodyBytes: number, bytesPerSec: number): Promise<void> {
  if (bytesPerSec <= 0 || bodyBytes <= 0) return Promise.resolve();
  const ms = since + (bodyBytes * 1000) / bytesPerSec - Date.now();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
