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

/** Where a modern-format variant of an image stands. */
export enum VariantStatus {
  Pending = 'Pending',
  /** Stored: smaller than the same-format output at a score at least as high. */
  Kept = 'Kept',
  /** Not stored; its `reason` says why. */
  Dropped = 'Dropped',
}

/** Why a variant was not kept. */
export enum VariantDropReason {
  /** At the score of the same-format output it was not smaller than that output. */
  NotSmaller = 'not-smaller',
  /** No encoder quality reached the same-format output's score. */
  BelowScore = 'below-score',
  /** AVIF only: the image has more pixels than AVIF_MAX_MEGAPIXELS. */
  TooLarge = 'too-large',
  /** The source is animated: a variant would keep one frame, so none is made. */
  Animated = 'animated',
  /** The same-format output is already in this format. */
  SameFormat = 'same-format',
  /** The image is too small to score (under 11 pixels across or down). */
  NotScored = 'not-scored',
  /** Its request was cancelled (or deleted) before the variant was encoded. */
  Cancelled = 'cancelled',
  /** Encoding or storing it failed on every attempt. */
  Failed = 'failed',
}
