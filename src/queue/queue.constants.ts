/** Queue names, job names, payloads and job ids, declared once for producers and processors. */
export const IMAGES_QUEUE = 'images';
export const REQUESTS_QUEUE = 'requests';
export const WEBHOOKS_QUEUE = 'webhooks';

/** Every queue the service uses, for what registers, watches or shows them all. */
export const QUEUE_NAMES = [IMAGES_QUEUE, REQUESTS_QUEUE, WEBHOOKS_QUEUE] as const;

export const COMPRESS_IMAGE_JOB = 'compress-image';
export const FINALISE_REQUEST_JOB = 'finalise-request';
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';

/** Download, compress and store one image; the database row says everything else. */
export interface CompressImageJob {
  imageId: number;
}

/** Write the output CSV and the final status of a request whose images all have outcomes. */
export interface FinaliseRequestJob {
  requestPk: number;
}

/** Make delivery attempt `attempt` of a finished request's webhook. */
export interface DeliverWebhookJob {
  requestPk: number;
  attempt: number;
}

/**
 * Job ids follow from what the job is for, so that queueing the same work twice adds one job,
 * and whoever finds work missing from Redis can tell whether its job exists.
 */
export const JobIds = {
  compressImage: (imageId: number): string => `image-${imageId}`,
  finaliseRequest: (requestPk: number): string => `finalise-${requestPk}`,
  deliverWebhook: (requestPk: number, attempt: number): string => `webhook-${requestPk}-${attempt}`,
};
