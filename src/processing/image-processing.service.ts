import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { ImagesConfig, VariantsConfig } from '../config/config';
import { DispatchLoop } from '../dispatch/dispatch-loop';
import { addJobs } from '../dispatch/queued-jobs';
import { variantJobFor } from '../dispatch/variant-jobs';
import { MetricsService } from '../metrics/metrics.service';
import { CompressImageJob, EncodeVariantJob, VARIANTS_QUEUE } from '../queue/queue.constants';
import { ImageOutcome, OwedVariant } from '../requests/image-outcome';
import {
  ImageOutcomesRepository,
  ImageWork,
  RecordedOutcome,
} from '../requests/image-outcomes.repository';
import { ImageStatus, ReuseReason } from '../requests/request-status';
import { SourceRecord } from '../requests/source-record.entity';
import {
  RememberedSource,
  SERVICE_OWNER,
  SourceRecordsRepository,
} from '../requests/source-records.repository';
import { RequestsRepository } from '../requests/requests.repository';
import { ImageStorage } from '../storage/image-storage';
import { IMAGE_FORMATS } from '../storage/image-formats';
import { StorageKeys } from '../storage/storage-keys';
import { CompressedImage, ImageCompressor } from './image-compressor';
import { ImageFetcher, ImageFetchError } from './image-fetcher';
import { QualityScorer } from './quality-scorer';
import { isImageFormat, Processed, reusedResult, SeenSource, sourceSha256 } from './reused-result';
import { planVariants } from './variant-plan';

/** Writing the compressed image failed (a full disk, an unreachable bucket): worth retrying. */
export class StorageWriteError extends Error {}

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Processes one image: download, compress, store, record. Safe to run twice for the same image
 * (Bull delivers at least once): the stored file is overwritten and the outcome is recorded
 * once. An image whose URL appears earlier in its request is not fetched again: the first one
 * records its outcome for all of them.
 *
 * A source the owner's earlier requests processed is not encoded again (REUSE_RESULTS): its URL
 * is revalidated with the kept validators, and on `304 Not Modified`, or when the downloaded
 * bytes hash to a stored result's under the same recipe, that result is copied to this image's
 * own key.
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
    private readonly sources: SourceRecordsRepository,
    private readonly config: ImagesConfig,
    private readonly variants: VariantsConfig,
    @InjectQueue(VARIANTS_QUEUE) private readonly variantsQueue: Queue<EncodeVariantJob>,
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
    const { outcome, source } = await this.compressAndStore(work, attempts, finalAttempt);
    if (outcome.status === ImageStatus.Completed && !(await this.requests.isLive(work.requestPk))) {
      // Deleted while this image was in hand: its deletion may have missed what was just stored.
      await this.storage.remove(outcome.outputKey);
      await this.storage.remove(StorageKeys.variantSource(work));
      return;
    }
    const recorded = await this.record(work, outcome, attempts);
    // A job lost between the commit and here is queued again by the dispatcher's resync.
    await addJobs(
      this.variantsQueue,
      recorded.pendingVariants.map((variantId) => variantJobFor(variantId, this.config)),
    );
    if (source) await this.remember(source);
  }

  /**
   * Remembers where the source's result now is, for the owner's next requests. Only after the
   * outcome is recorded, so that a record never points at an object no request holds; a failure
   * costs a later reuse, never this image.
   */
  private async remember(source: RememberedSource): Promise<void> {
    try {
      await this.sources.remember(source);
    } catch (error) {
      this.logger.warn(`Remembering the source ${source.url} failed: ${errorMessage(error)}`);
    }
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

  private async record(
    work: ImageWork,
    outcome: ImageOutcome,
    attempts: number,
  ): Promise<RecordedOutcome> {
    const recorded = await this.outcomes.recordOutcome(work, outcome, attempts);
    if (recorded.recorded) this.metrics.recordImage(outcome);
    if (recorded.requestFinished) this.dispatch.kick();
    this.logger.debug(
      `Image ${work.requestId}/${work.rowNumber}-${work.position}: ${outcome.status}` +
        (recorded.recorded ? '' : ' (already recorded)'),
    );
    return recorded;
  }

  private async compressAndStore(
    work: ImageWork,
    attempts: number,
    finalAttempt: boolean,
  ): Promise<Processed> {
    let bytesIn: number | null = null;
    try {
      const owner = work.owner ?? SERVICE_OWNER;
      // Variants are encoded from the source's pixels, which a reused result does not bring.
      const reusing = this.config.reuseResults && !work.refresh && work.variants.length === 0;
      const { recipe } = this.compressor;
      const known = reusing
        ? await this.lookUp(() => this.sources.findByUrl(owner, work.inputUrl))
        : null;
      const usable = known?.recipe === recipe ? known : null;
      const fetched = await this.fetcher.fetch(work.inputUrl, usable?.validators ?? null);
      if (fetched.notModified && usable) {
        const reused = await this.reuse(work, usable, ReuseReason.NotModified, {
          validators: fetched.validators,
          sha256: usable.sha256,
        });
        if (reused) return reused;
      }
      // The kept result is gone (its request was deleted): download the source whole.
      const downloaded = fetched.notModified ? await this.fetcher.fetch(work.inputUrl) : fetched;
      if (downloaded.notModified) throw new ImageFetchError('Download answered 304', false);
      const source = downloaded.bytes;
      bytesIn = source.length;
      // The hash finds and remembers results; with REUSE_RESULTS off nothing reads it.
      const sha256 = this.config.reuseResults ? sourceSha256(source) : null;
      if (reusing && sha256 !== null) {
        const same =
          usable?.sha256 === sha256
            ? usable
            : await this.lookUp(() => this.sources.findByBytes(owner, sha256, recipe));
        const reused = same
          ? await this.reuse(work, same, ReuseReason.SameBytes, {
              validators: downloaded.validators,
              sha256,
            })
          : null;
        if (reused) return reused;
      }
      const compressed = await this.compressor.compress(source);
      const score = compressed.skipReason ? null : await this.scorer.score(source, compressed);
      const outputKey = StorageKeys.image({ ...work, format: compressed.format });
      await this.store(outputKey, compressed.data, IMAGE_FORMATS[compressed.format].contentType);
      const variants = await this.owedVariants(work, source, compressed, score);
      const outcome = {
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
        variants,
      } as const;
      const remembered =
        sha256 !== null
          ? {
              ...outcome,
              owner,
              url: work.inputUrl,
              validators: downloaded.validators,
              sha256,
              recipe,
              requestId: work.requestId,
            }
          : null;
      return { outcome, source: remembered };
    } catch (error) {
      if (isWorthRetrying(error) && !finalAttempt) {
        await this.outcomes.recordFailedAttempt(work.imageId, attempts, errorMessage(error));
        throw error;
      }
      return { outcome: { status: ImageStatus.Failed, error: errorMessage(error), bytesIn } };
    }
  }

  /**
   * The variants the image's request asked for, each to encode or dropped with its reason. The
   * same-format output's score is what they must reach, taken even with QUALITY_SCORE off;
   * the source is kept in storage for the variant jobs, which run after this one.
   */
  private async owedVariants(
    work: ImageWork,
    source: Buffer,
    compressed: CompressedImage,
    score: number | null,
  ): Promise<OwedVariant[]> {
    if (work.variants.length === 0) return [];
    const targetScore = score ?? (await this.scorer.measure(source, compressed));
    const variants = planVariants(
      work.variants,
      { ...compressed, targetScore },
      this.variants.avifMaxPixels,
    );
    if (variants.some((variant) => variant.dropReason === null)) {
      await this.store(StorageKeys.variantSource(work), source, 'application/octet-stream');
    }
    return variants;
  }

  /** A look-up of earlier results that fails costs a reuse, never the image. */
  private async lookUp(find: () => Promise<SourceRecord | null>): Promise<SourceRecord | null> {
    try {
      return await find();
    } catch (error) {
      this.logger.warn(`Looking up earlier results failed: ${errorMessage(error)}`);
      return null;
    }
  }

  /**
   * Copies a stored result of an earlier request into this image's own key, so that deleting
   * that request later leaves this one whole; null when that result is gone.
   */
  private async reuse(
    work: ImageWork,
    earlier: SourceRecord,
    reason: ReuseReason,
    seen: SeenSource,
  ): Promise<Processed | null> {
    if (!isImageFormat(earlier.format)) return null;
    const outputKey = StorageKeys.image({ ...work, format: earlier.format });
    let copied: boolean;
    try {
      copied = await this.storage.copy(earlier.outputKey, outputKey);
    } catch (error) {
      throw new StorageWriteError(`Copying the stored image failed: ${errorMessage(error)}`);
    }
    return copied ? reusedResult(work, earlier, reason, seen, outputKey) : null;
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
