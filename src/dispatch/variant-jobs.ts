import { ImagesConfig } from '../config/config';
import { ENCODE_VARIANT_JOB, EncodeVariantJob, JobIds } from '../queue/queue.constants';
import { JobSpec } from './queued-jobs';

/** The job of one variant, for whoever queues it: the image's worker, or a resync. */
export function variantJobFor(variantId: number, images: ImagesConfig): JobSpec<EncodeVariantJob> {
  return {
    name: ENCODE_VARIANT_JOB,
    data: { variantId },
    opts: {
      jobId: JobIds.encodeVariant(variantId),
      attempts: images.attempts,
      backoff: { type: 'exponential', delay: images.backoffMs },
    },
  };
}
