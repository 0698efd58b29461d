export enum RequestStatus {
  Pending = 'Pending',
  Processing = 'Processing',
  Completed = 'Completed',
  Failed = 'Failed',
  /** Cancelled before every image was processed; the images processed by then are kept. */
  Cancelled = 'Cancelled',
}

export enum ImageStatus {
  Pending = 'Pending',
  Completed = 'Completed',
  Failed = 'Failed',
  /** Its request was cancelled before the image was downloaded. */
  Cancelled = 'Cancelled',
}

/** The statuses a request ends with. */
export type FinalRequestStatus =
  RequestStatus.Completed | RequestStatus.Failed | RequestStatus.Cancelled;

/** Where a finished request's webhook stands. */
export enum WebhookStatus {
  Pending = 'pending',
  Delivered = 'delivered',
  Failed = 'failed',
}

/**
 * Why an image's result was copied from an earlier request's: its URL answered `304 Not
 * Modified`, or its downloaded bytes hashed to those of a result already stored.
 */
export enum ReuseReason {
  NotModified = 'not-modified',
  SameBytes = 'same-bytes',
}
