import { Injectable, Logger } from '@nestjs/common';
import { ImageOutcome, RequestsRepository } from '../requests/requests.repository';
import { PublicLinks } from '../links/public-links';
import { MetricsService } from '../metrics/metrics.service';
import { RequestCompletionService } from '../requests/request-completion.service';
import { ImageStatus } from '../requests/request-status';
import { CompressImageJob } from '../queue/queue.constants';
import { ImageStorage } from '../storage/image-storage';
import { StorageKeys } from '../storage/storage-keys';
import { WebhookService } from '../webhook/webhook.service';
import { ImageCompressor } from './image-compressor';
import { ImageFetcher, ImageFetchError } from './image-fetcher';

/**
 * Processes one image of a request: download, compress, store, record. Safe to run twice
 * for the same image (Bull delivers at least once): the stored file is overwritten and
 * the outcome is recorded only once. When the last image of a request is recorded, the
 * request is finalised and its webhook is queued.
 */
@Injectable()
export class ImageProcessingService {
  private readonly logger = new Logger(ImageProcessingService.name);

  constructor(
    private readonly requests: RequestsRepository,
    private readonly completion: RequestCompletionService,
    private readonly fetcher: ImageFetcher,
    private readonly compressor: ImageCompressor,
    private readonly storage: ImageStorage,
    private readonly links: PublicLinks,
    private readonly webhooks: WebhookService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * @param finalAttempt when false, a transient download error is thrown so that Bull retries;
   *   on the final attempt it is recorded as the image's failure instead.
   */
  async process(job: CompressImageJob, finalAttempt: boolean): Promise<void> {
    const request = await this.requests.findRequest(job.requestId);
    const image = await this.requests.findImage(job.productId, job.position);
    if (!request || !image || image.requestPk !== request.id) {
      this.logger.warn(`Skipping job for an image that no longer exists: ${JSON.stringify(job)}`);
      return;
    }
    if (image.status === ImageStatus.Pending) {
      await this.requests.markProcessing(request.id);
      const outcome = await this.compressAndStore(job, image.inputUrl, finalAttempt);
      const recorded = await this.requests.recordImageOutcome(image, outcome);
      if (recorded) this.metrics.recordImage(outcome);
      this.logger.debug(
        `Image ${job.requestId}/${job.rowNumber}-${job.position}: ${outcome.status}` +
          (recorded ? '' : ' (already recorded)'),
      );
    }
    await this.finaliseIfDone(request.id);
  }

  /** Records a job that Bull gave up on as a failed image. */
  async recordLostImage(job: CompressImageJob, error: Error): Promise<void> {
    const image = await this.requests.findImage(job.productId, job.position);
    if (!image) return;
    await this.requests.recordImageOutcome(image, {
      status: ImageStatus.Failed,
      error: `Processing failed: ${error.message}`,
    });
    await this.finaliseIfDone(image.requestPk);
  }

  private async finaliseIfDone(requestPk: number): Promise<void> {
    const finalised = await this.completion.finaliseIfDone(requestPk);
    if (!finalised) return;
    this.logger.log(`Request ${finalised.requestId} finished: ${finalised.status}`);
    if (finalised.webhookUrl) await this.webhooks.enqueue(finalised.requestId);
  }

  private async compressAndStore(
    job: CompressImageJob,
    url: string,
    finalAttempt: boolean,
  ): Promise<ImageOutcome> {
    let bytesIn: number | null = null;
    try {
      const source = await this.fetcher.fetch(url);
      bytesIn = source.length;
      const compressed = await this.compressor.compress(source);
      const outputPath = StorageKeys.image({ ...job, format: compressed.format });
      await this.storage.save(outputPath, compressed.data);
      return {
        status: ImageStatus.Completed,
        outputPath,
        outputUrl: this.links.image(outputPath),
        bytesIn,
        bytesOut: compressed.data.length,
        format: compressed.format,
        sourceQuality: compressed.sourceQuality,
        targetQuality: compressed.targetQuality,
        width: compressed.width,
        height: compressed.height,
        skipReason: compressed.skipReason,
      };
    } catch (error) {
      if (error instanceof ImageFetchError && error.retryable && !finalAttempt) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return { status: ImageStatus.Failed, error: message, bytesIn };
    }
  }
}
