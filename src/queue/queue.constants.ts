/** Queue names, job names and payloads, declared once for producers and processors. */
export const IMAGES_QUEUE = 'images';
export const WEBHOOKS_QUEUE = 'webhooks';

/** Every queue the service uses, for what registers, watches or shows them all. */
export const QUEUE_NAMES = [IMAGES_QUEUE, WEBHOOKS_QUEUE] as const;

export const COMPRESS_IMAGE_JOB = 'compress-image';
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';

/** One image of a request; the numeric id is the product row's primary key. */
export interface CompressImageJob {
  requestId: string;
  productId: number;
  rowNumber: number;
  position: number;
}

export interface DeliverWebhookJob {
  requestId: string;
  /** Same on every retry so that receivers can drop duplicates. */
  webhookId: string;
}

export const compressImageJobId = (job: CompressImageJob): string =>
  `${job.requestId}-${job.rowNumber}-${job.position}`;

/** Matches the ids of every image job of a request, for Bull's removeJobs. */
export const imageJobsPattern = (requestId: string): string => `${requestId}-*`;

export const deliverWebhookJobId = (requestId: string): string => `webhook-${requestId}`;
