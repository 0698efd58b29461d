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
