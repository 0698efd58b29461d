import { Injectable, Logger } from '@nestjs/common';
import { DispatchLoop } from '../dispatch/dispatch-loop';
import { MetricsService } from '../metrics/metrics.service';
import { CompressImageJob } from '../queue/queue.constants';
import { ImageOutcome } from '../requests/image-outcome';
import { ImageOutcomesRepository, ImageWork } from '../requests/image-outcomes.repository';
import { ImageStatus } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { ImageStorage } from '../storage/image-storage';
import { IMAGE_FORMATS } from '../storage/image-formats';
import { StorageKeys } from '../storage/storage-keys';
import { ImageCompressor } from './image-compressor';
import { ImageFetcher, ImageFetchError } from './image-fetcher';
import { QualityScorer } from './quality-scorer';

/** Writing the compressed image failed (a full disk, an unreachable bucket): worth retrying. */
export class StorageWriteError extends Error {}

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Processes one image: download, compress, store, record. Safe to run twice for the same image
 * (Bull delivers at least once): the stored file is overwritten and the outcome is recorded
 * once. An image whose URL appears earlier in its request is not fetched again: the first one
 * records its outcome for all of them.
 */
@Injectable()
export class ImageProcessingService {
  private readonly logger = new Logger(ImageProcessingService.name);

  constructor(
    private readonly outcomes: ImageOutcomesRepository,
    private readonly requests: RequestsRepository,
    private readonly fetcher: ImageFetcher,
    private readonly compressor: ImageCompressor,
    private readonly storage: ImageStorage,
    private readonly metrics: MetricsService,
    private readonly dispatch: DispatchLoop,
    private readonly scorer: QualityScorer,
  ) {}

  /**
   * @param finalAttempt when false, an error that may pass (a timeout, a 503, a full disk) is
   *   thrown so that Bull tries again later; on the final attempt it is the image's failure.
   */
  async process(job: CompressImageJob, finalAttempt: boolean): Promise<void> {
    const work = await this.outcomes.findWork(job.imageId);
    if (!work) {
      this.logger.warn(`Skipping the job of image ${job.imageId}, which no longer exists`);
      return;
    }
    if (work.status !== ImageStatus.Pending || work.primaryImageId !== work.imageId) return;
    if (work.requestDeleted) return;
    // Read just before the download: once a request is cancelled, none of its images starts.
    if (work.requestCancelled) {
      await this.record(work, { status: ImageStatus.Cancelled }, work.attempts);
      return;
    }
    const attempts = work.attempts + 1;
    const outcome = await this.compressAndStore(work, attempts, finalAttempt);
    if (outcome.status === ImageStatus.Completed && !(await this.requests.isLive(work.requestPk))) {
      // Deleted while this image was in hand: its deletion may have missed what was just stored.
      await this.storage.remove(outcome.outputKey);
      return;
    }
    await this.record(work, outcome, attempts);
  }

  /** Records a job that Bull gave up on without an outcome as a failed image. */
  async recordLostImage(job: CompressImageJob, error: Error): Promise<void> {
    const work = await this.outcomes.findWork(job.imageId);
    if (!work || work.status !== ImageStatus.Pending || work.primaryImageId !== work.imageId) {
      return;
    }
    await this.record(
      work,
      { status: ImageStatus.Failed, error: `Processing failed: ${error.message}` },
      work.attempts + 1,
    );
  }

  private async record(work: ImageWork, outcome: ImageOutcome, attempts: number): Promise<void> {
    const recorded = await this.outcomes.recordOutcome(work, outcome, attempts);
    if (recorded.recorded) this.metrics.recordImage(outcome);
    if (recorded.requestFinished) this.dispatch.kick();
    this.logger.debug(
      `Image ${work.requestId}/${work.rowNumber}-${work.position}: ${outcome.status}` +
        (recorded.recorded ? '' : ' (already recorded)'),
    );
  }

  private async compressAndStore(
    work: ImageWork,
    attempts: number,
    finalAttempt: boolean,
  ): Promise<ImageOutcome> {
    let bytesIn: number | null = null;
    try {
      const source = await this.fetcher.fetch(work.inputUrl);
      bytesIn = source.length;
      const compressed = await this.compressor.compress(source);
      const score = compressed.skipReason ? null : await this.scorer.score(source, compressed);
      const outputKey = StorageKeys.image({ ...work, format: compressed.format });
      await this.store(outputKey, compressed.data, IMAGE_FORMATS[compressed.format].contentType);
      return {
        status: ImageStatus.Completed,
        outputKey,
        bytesIn,
        bytesOut: compressed.data.length,
        format: compressed.format,
        sourceQuality: compressed.sourceQuality,
        targetQuality: compressed.targetQuality,
        width: compressed.width,
        height: compressed.height,
        skipReason: compressed.skipReason,
        score,
      };
    } catch (error) {
      if (isWorthRetrying(error) && !finalAttempt) {
        await this.outcomes.recordFailedAttempt(work.imageId, attempts, errorMessage(error));
        throw error;
      }
      return { status: ImageStatus.Failed, error: errorMessage(error), bytesIn };
    }
  }

  private async store(key: string, data: Buffer, contentType: string): Promise<void> {
    try {
      await this.storage.save(key, data, contentType);
    } catch (error) {
      throw new StorageWriteError(`Storing the image failed: ${errorMessage(error)}`);
    }
  }
}

function isWorthRetrying(error: unknown): boolean {
  return (
    (error instanceof ImageFetchError && error.retryable) || error instanceof StorageWriteError
  );
}
