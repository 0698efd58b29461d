import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { DispatchConfig, ImagesConfig } from '../config/config';
import {
  COMPRESS_IMAGE_JOB,
  CompressImageJob,
  EncodeVariantJob,
  IMAGES_QUEUE,
  JobIds,
  REUSE_QUEUE,
  REVALIDATE_IMAGES_JOB,
  RevalidateImagesJob,
  REVALIDATION_BATCH,
  VARIANTS_QUEUE,
} from '../queue/queue.constants';
import { ImageVariantsRepository } from '../requests/image-variants.repository';
import {
  DispatchableImage,
  DispatchRepository,
  OpenRequest,
} from '../requests/dispatch.repository';
import { SERVICE_OWNER, SourceRecordsRepository } from '../requests/source-records.repository';
import { LockHeld } from '../queue/redis-lock';
import { addJobs, ensureJobs, JobSpec } from './queued-jobs';
import { variantJobFor } from './variant-jobs';

/** Unfinished requests looked at in one pass; older ones first. */
const OPEN_REQUESTS_PER_PASS = 1000;
/** Variant jobs of one request checked in one pass; the next pass sees the next ones. */
const VARIANTS_PER_REQUEST = 1000;
/** Bull's lowest priority that still sorts correctly. */
const LOWEST_PRIORITY = 2_000_000;

/**
 * Keeps the images queue filled to a bounded window from the pending images in the database,
 * which is the one record of the work. Redis therefore holds at most `windowSize` image jobs
 * however large the backlog, and a job Redis loses is queued again by `resync`.
 *
 * Fairness: free places are shared evenly between the requests that have images left, and each
 * job's priority is its place among its own request's queued jobs. A ten-image upload that
 * arrives behind a million-image catalog therefore runs next, not after the catalog.
 *
 * Images whose URLs the request's owner has processed before are not given a job each: they go
 * in batches to the reuse queue, whose worker revalidates (or re-reads) a batch at once and
 * records every unchanged image in one transaction, so that an image reused costs a fraction of
 * a job. Each batch counts for as many places of the window as it may hold images.
 */
@Injectable()
export class ImageDispatcher {
  private readonly logger = new Logger(ImageDispatcher.name);

  constructor(
    @InjectQueue(IMAGES_QUEUE) private readonly queue: Queue<CompressImageJob>,
    @InjectQueue(REUSE_QUEUE) private readonly reuseQueue: Queue<RevalidateImagesJob>,
    @InjectQueue(VARIANTS_QUEUE) private readonly variantsQueue: Queue<EncodeVariantJob>,
    private readonly dispatch: DispatchRepository,
    private readonly variants: ImageVariantsRepository,
    private readonly sources: SourceRecordsRepository,
    private readonly config: DispatchConfig,
    private readonly images: ImagesConfig,
  ) {}

  /**
   * Queues the next images of the open requests into the free places of the window; stops
   * between requests once `held` says the dispatcher lock is lost.
   */
  async fill(held: LockHeld = () => true): Promise<number> {
    const counts = await this.queue.getJobCounts();
    const batches = await this.reuseQueue.getJobCounts();
    const queued =
      counts.waiting +
      counts.active +
      counts.delayed +
      (batches.waiting + batches.active + batches.delayed) * REVALIDATION_BATCH;
    const free = this.config.windowSize - queued;
    if (free <= 0) return 0;
    const open = (await this.dispatch.openRequests(OPEN_REQUESTS_PER_PASS)).filter(
      (request) => !request.cancelled && request.dispatchedThrough < request.totalImages,
    );
    let added = 0;
    for (const [request, places] of shareFairly(open, free)) {
      if (!held()) break;
      added += await this.dispatchImagesOf(request, places);
    }
    return added;
  }

  /**
   * Queues again the images that the database has handed to the queue but Redis no longer
   * holds (a restart without persistence, a flush, an eviction), and the variants owed by
   * recorded images whose jobs are gone (lost with Redis, or never added because the image's
   * worker stopped right after recording). Returns how many.
   */
  async resync(): Promise<number> {
    let requeued = 0;
    const inBatches = await this.imagesInBatches();
    for (const request of await this.dispatch.openRequests(OPEN_REQUESTS_PER_PASS)) {
      if (request.dispatchedThrough === 0) continue;
      if (request.hasVariants) requeued += await this.ensureVariantJobs(request.requestPk);
      const inFlight = (
        await this.dispatch.dispatchedPendingImages(request.requestPk, request.dispatchedThrough)
      ).filter((image) => !inBatches.has(image.imageId));
      requeued += await ensureJobs(
        this.queue,
        inFlight.map((image, index) => this.jobFor(request, image.imageId, index + 1)),
        async (jobs) => {
          const pending = await this.dispatch.stillPending(jobs.map((job) => job.data.imageId));
          return jobs.filter((job) => pending.has(job.data.imageId));
        },
      );
    }
    if (requeued > 0)
      this.logger.warn(`Queued again ${requeued} image and variant jobs that were lost`);
    return requeued;
  }

  private async ensureVariantJobs(requestPk: number): Promise<number> {
    const pending = await this.variants.pendingOfRequest(requestPk, VARIANTS_PER_REQUEST);
    return ensureJobs(
      this.variantsQueue,
      pending.map((variantId) => variantJobFor(variantId, this.images)),
      async (jobs) => {
        const still = await this.variants.stillPending(jobs.map((job) => job.data.variantId));
        return jobs.filter((job) => still.has(job.data.variantId));
      },
    );
  }

  /** The images of the revalidation batches still to run: they have no job of their own. */
  private async imagesInBatches(): Promise<Set<number>> {
    const batches = await this.reuseQueue.getJobs(['waiting', 'active', 'delayed']);
    return new Set(batches.flatMap((batch) => (batch ? batch.data.imageIds : [])));
  }

  private async dispatchImagesOf(request: OpenRequest, places: number): Promise<number> {
    const images = await this.dispatch.nextPendingImages(
      request.requestPk,
      request.dispatchedThrough,
      places,
    );
    // Fewer than asked means none are left to queue: the rest already have outcomes.
    const through =
      images.length < places ? request.totalImages : images[images.length - 1].ordinal;
    const inWindow = Math.max(0, request.dispatchedThrough - request.processedImages);
    const known = await this.reusable(request, images);
    const compressed = images.filter((image) => !known.has(image.inputUrl));
    await addJobs(
      this.queue,
      compressed.map((image, index) => this.jobFor(request, image.imageId, inWindow + index + 1)),
    );
    await addJobs(
      this.reuseQueue,
      batchesOf(images.filter((image) => known.has(image.inputUrl))).map((batch) =>
        this.revalidationJobFor(request, batch),
      ),
    );
    const advanced = await this.dispatch.advance(
      request.requestPk,
      request.dispatchedThrough,
      through,
    );
    return advanced ? images.length : 0;
  }

  /** The URLs among `images` that the request's owner has stored results of. */
  private async reusable(request: OpenRequest, images: DispatchableImage[]): Promise<Set<string>> {
    if (
      !this.images.reuseResults ||
      request.refresh ||
      request.hasVariants ||
      images.length === 0
    ) {
      return new Set();
    }
    return this.sources
      .knownUrls(
        request.owner ?? SERVICE_OWNER,
        images.map((image) => image.inputUrl),
      )
      .catch((error: unknown) => {
        // Each image then gets a job of its own, which looks its source up again.
        this.logger.warn(`Looking up known sources failed: ${String(error)}`);
        return new Set<string>();
      });
  }

  private revalidationJobFor(
    request: OpenRequest,
    batch: DispatchableImage[],
  ): JobSpec<RevalidateImagesJob> {
    return {
      name: REVALIDATE_IMAGES_JOB,
      data: { imageIds: batch.map((image) => image.imageId) },
      opts: {
        jobId: JobIds.revalidateImages(batch[0].imageId, request.retries),
        attempts: this.images.attempts,
        backoff: { type: 'exponential', delay: this.images.backoffMs },
      },
    };
  }

  private jobFor(request: OpenRequest, imageId: number, place: number): JobSpec<CompressImageJob> {
    return {
      name: COMPRESS_IMAGE_JOB,
      data: { imageId },
      opts: {
        jobId: JobIds.compressImage(imageId, request.retries),
        priority: Math.min(place, LOWEST_PRIORITY),
        attempts: this.images.attempts,
        backoff: { type: 'exponential', delay: this.images.backoffMs },
      },
    };
  }
}

function batchesOf(images: DispatchableImage[]): DispatchableImage[][] {
  const batches: DispatchableImage[][] = [];
  for (let start = 0; start < images.length; start += REVALIDATION_BATCH) {
    batches.push(images.slice(start, start + REVALIDATION_BATCH));
  }
  return batches;
}

/**
 * Splits `places` between the requests as evenly as their needs allow: each gets an equal
 * share, a request that needs less leaves the rest to the others, and the oldest requests get
 * the places that do not divide evenly.
 */
export function shareFairly(requests: OpenRequest[], places: number): Map<OpenRequest, number> {
  const shares = new Map<OpenRequest, number>();
  let waiting = requests.filter((request) => request.dispatchedThrough < request.totalImages);
  let left = places;
  while (left > 0 && waiting.length > 0) {
    const share = Math.max(1, Math.floor(left / waiting.length));
    const stillWaiting: OpenRequest[] = [];
    for (const request of waiting) {
      if (left === 0) break;
      const given = shares.get(request) ?? 0;
      const need = request.totalImages - request.dispatchedThrough - given;
      const take = Math.min(share, need, left);
      shares.set(request, given + take);
      left -= take;
      if (take < need) stillWaiting.push(request);
    }
    waiting = stillWaiting;
  }
  return shares;
}
