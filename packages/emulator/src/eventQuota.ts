/** The `quota(n)` fault: the account's events for the billing cycle, after which /api/events answers 402. */
export class EventQuota {
  private limit: number | undefined;
  private used = 0;

  /** `refused` hears of each request answered 402 (the fault applied). */
  constructor(private readonly refused: () => void = () => undefined) {}

  /** From now on, `n` more events are accepted. */
  set(n: number): void {
    this.limit = n;
    this.used = 0;
  }

  clear(): void {
    this.limit = undefined;
    this.used = 0;
  }

  /** Whether a request of `events` events fits what is left; counts them when it does. */
  admit(events: number): boolean {
    if (this.limit === undefined) return true;
    if (this.used + events > this.limit) {
      this.refused();
      return false;
    }
    this.used += events;
    return true;
  }
}
