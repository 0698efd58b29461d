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
