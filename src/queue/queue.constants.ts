/** Queue names, job names, payloads and job ids, declared once for producers and processors. */
export const IMAGES_QUEUE = 'images';
export const REQUESTS_QUEUE = 'requests';
export const WEBHOOKS_QUEUE = 'webhooks';
/** Batches of images whose URLs are known with validators, revalidated together. */
export const REUSE_QUEUE = 'reuse';
/** WebP and AVIF variants, apart from the images so that they never hold up an image's job. */
export const VARIANTS_QUEUE = 'variants';

/** Every queue the service uses, for what registers, watches or shows them all. */
export const QUEUE_NAMES = [
  IMAGES_QUEUE,
  REQUESTS_QUEUE,
  WEBHOOKS_QUEUE,
  REUSE_QUEUE,
  VARIANTS_QUEUE,
] as const;

export const COMPRESS_IMAGE_JOB = 'compress-image';
export const FINALISE_REQUEST_JOB = 'finalise-request';
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';
export const REVALIDATE_IMAGES_JOB = 'revalidate-images';
export const ENCODE_VARIANT_JOB = 'encode-variant';

/** Images of one request in a revalidation batch: at most this many. */
export const REVALIDATION_BATCH = 100;

/** Download, compress and store one image; the database row says everything else. */
export interface CompressImageJob {
  imageId: number;
}

/**
 * Revalidate the URLs of these pending images of one request, all known to its owner with
 * validators, and copy the stored result of each one that answers `304`; the others become
 * compress-image jobs.
 */
export interface RevalidateImagesJob {
  imageIds: number[];
}

/** Encode, score and store one variant of a compressed image; its row says everything else. */
export interface EncodeVariantJob {
  variantId: number;
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
 * and whoever finds work missing from Redis can tell whether its job exists. Work done again
 * gets new ids: an image's in each retry round of its request, a finalisation and a webhook in
 * each outbox entry. Bull keeps finished jobs for a while, and would not add a job whose id it
 * still holds.
 */
const ofRound = (round: number): string => (round === 0 ? '' : `-round-${round}`);

export const JobIds = {
  compressImage: (imageId: number, round: number): string => `image-${imageId}${ofRound(round)}`,
  revalidateImages: (firstImageId: number, round: number): string =>
    `revalidate-${firstImageId}${ofRound(round)}`,
  encodeVariant: (variantId: number): string => `variant-${variantId}`,
  finaliseRequest: (requestPk: number, entryId: number): string =>
    `finalise-${requestPk}-${entryId}`,
  deliverWebhook: (requestPk: number, entryId: number, attempt: number): string =>
    `webhook-${requestPk}-${entryId}-${attempt}`,
};
