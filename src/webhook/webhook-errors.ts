/** A delivery that may succeed later (network error, timeout, 5xx, 429). */
export class RetryableWebhookError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/** A delivery the receiver refused for good (a 4xx other than 408/429). */
export class PermanentWebhookError extends Error {}
