export enum RequestStatus {
  Pending = 'Pending',
  Processing = 'Processing',
  Completed = 'Completed',
  Failed = 'Failed',
}

export enum ImageStatus {
  Pending = 'Pending',
  Completed = 'Completed',
  Failed = 'Failed',
}

/** Where a finished request's webhook stands. */
export enum WebhookStatus {
  Pending = 'pending',
  Delivered = 'delivered',
  Failed = 'failed',
}
