/**
 * Callers of flush() waiting for every record up to a sequence number to
 * settle. The pipeline says, as records settle, the lowest number still
 * unsettled; waiters below it are released.
 */
export class FlushWaiters {
  private waiters: { target: number; resolve: () => void }[] = [];

  get waiting(): boolean {
    return this.waiters.length > 0;
  }

  /** Resolves once everything up to `target` has settled. */
  add(target: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  /** Releases the waiters whose records are all settled: those whose target is below `minUnsettled`. */
  check(minUnsettled: number): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.target < minUnsettled) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Releases everyone (what they waited for went to the spool or was counted at the deadline). */
  releaseAll(): void {
    for (const w of this.waiters.splice(0)) w.resolve();
  }
}
