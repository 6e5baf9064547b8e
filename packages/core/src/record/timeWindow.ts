/** Datamix accepts timestamps within the last 10 minutes and at most 10 s ahead of its clock. */
export const PAST_WINDOW_MS = 600_000;
export const FUTURE_WINDOW_MS = 10_000;
/** Slack for the Date header's 1-second resolution and the time a request spends on the wire. */
const PAST_SLACK_MS = 5_000;
const FUTURE_SLACK_MS = 2_000;

export type TimeVerdict = 'ok' | 'stale' | 'future';

export function classifyTime(timeMs: number, serverNowMs: number): TimeVerdict {
  if (timeMs < serverNowMs - (PAST_WINDOW_MS - PAST_SLACK_MS)) return 'stale';
  if (timeMs > serverNowMs + (FUTURE_WINDOW_MS - FUTURE_SLACK_MS)) return 'future';
  return 'ok';
}

/**
 * Estimates the server's clock from the `Date` header of its responses, so the
 * window is judged by the server's time, not only ours.
 */
export class ServerClock {
  private offsetMs = 0;
  private observed = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** `sentAt`/`receivedAt` bracket the request; the header was stamped somewhere in between. */
  observe(dateHeader: string | undefined, sentAt: number, receivedAt: number): void {
    if (!dateHeader) return;
    const serverMs = Date.parse(dateHeader);
    if (Number.isNaN(serverMs)) return;
    // The header is truncated to the second: its true value lies in [serverMs, serverMs + 1000).
    const sample = serverMs + 500 - (sentAt + receivedAt) / 2;
    // Smooth so one slow response does not swing the estimate.
    this.offsetMs = this.observed ? Math.round(this.offsetMs * 0.8 + sample * 0.2) : Math.round(sample);
    this.observed = true;
  }

  get offset(): number {
    return this.offsetMs;
  }

  serverNow(): number {
    return this.now() + this.offsetMs;
  }

  /** Converts a server timestamp (such as a session's `expires`) to local time. */
  toLocal(serverMs: number): number {
    return serverMs - this.offsetMs;
  }
}
