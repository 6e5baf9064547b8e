/**
 * Datamix's per-session throughput (its documentation gives about 5 MB/s a
 * session): a logs request holds its session for as long as its body takes
 * at `bytesPerSec`. The session is busy meanwhile, so a session's requests,
 * one at a time, never go faster than that. 0: no cap.
 */
export function sessionThrottle(bodyBytes: number, bytesPerSec: number): Promise<void> {
  if (bytesPerSec <= 0 || bodyBytes <= 0) return Promise.resolve();
  const ms = (bodyBytes * 1000) / bytesPerSec;
  return new Promise((resolve) => setTimeout(resolve, ms));
}
