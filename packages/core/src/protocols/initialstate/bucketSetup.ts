import type { SendResult } from '../sink.js';

/**
 * The bucket both Initial State APIs need before any event: created once per
 * process, and again for a new key (a bucket belongs to the key that created
 * it; the request is idempotent). open() starts the request without waiting; the first send takes
 * its outcome, as if it had made the request itself. A failed attempt is
 * made again by the next send.
 */
export class BucketSetup {
  /** The key the bucket was created with; undefined until it exists. */
  private readyFor: string | undefined;
  private opening: Promise<SendResult | undefined> | undefined;

  /** `create` makes the request: undefined when the bucket exists, else what the send should answer. */
  constructor(
    private readonly create: (signal: AbortSignal) => Promise<SendResult | undefined>,
    private readonly currentKey: () => string,
  ) {}

  open(signal: AbortSignal): void {
    this.opening ??= this.attempt(signal);
  }

  /** Undefined once the bucket exists; otherwise why the batch cannot go. */
  async ensure(signal: AbortSignal): Promise<SendResult | undefined> {
    const opening = this.opening;
    this.opening = undefined;
    return opening ?? this.attempt(signal);
  }

  private async attempt(signal: AbortSignal): Promise<SendResult | undefined> {
    const key = this.currentKey();
    if (this.readyFor === key) return undefined;
    const failed = await this.create(signal);
    if (failed === undefined) this.readyFor = key;
    return failed;
  }
}
