import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { ImagesConfig } from '../config/config';
import { DispatchLoop } from '../dispatch/dispatch-loop';
import { MetricsService } from '../metrics/metrics.service';
import {
  COMPRESS_IMAGE_JOB,
  CompressImageJob,
  IMAGES_QUEUE,
  JobIds,
  RevalidateImagesJob,
} from '../queue/queue.constants';
import { ImageOutcomesRepository, ImageWork } from '../requests/image-outcomes.repository';
import { ImageStatus, ReuseReason } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { SourceRecord } from '../requests/source-record.entity';
import { SERVICE_OWNER, SourceRecordsRepository } from '../requests/source-records.repository';
import { ImageStorage } from '../storage/image-storage';
import { StorageKeys } from '../storage/storage-keys';
import { ImageCompressor } from './image-compressor';
import { ImageFetcher } from './image-fetcher';
import { isImageFormat, Processed, reusedResult, SeenSource, sourceSha256 } from './reused-result';
import { Slots } from './slots';

/** Conditional requests of one batch in flight at once, over the guarded keep-alive agents. */
const REVALIDATIONS_AT_ONCE = 16;
/**
 * Sources read whole and hashed at once in this process, over every batch: a body may be as
 * large as DOWNLOAD_MAX_BYTES, and is held until it is hashed.
 */
const BODIES_AT_ONCE = 4;

/**
 * Resolves a batch of images whose URLs the owner has processed before. Each URL kept with
 * validators is revalidated (no body is read); each one kept without, or whose origin no longer
 * sends any, is downloaded and hashed. An unchanged source has its stored result copied to the
 * image's own key, and every such image is recorded in one transaction. The rest (changed
 * sources, another recipe, errors, results gone, cancelled requests) become compress-image
 * jobs, which download and classify them as any other image. Safe to run twice: a copy
 * overwrites, an outcome is recorded once.
 */
@Injectable()
export class ImageRevalidationService {
  private readonly logger = new Logger(ImageRevalidationService.name);
  private readonly bodyReads = new Slots(BODIES_AT_ONCE);

  constructor(
    @InjectQueue(IMAGES_QUEUE) private readonly images: Queue<CompressImageJob>,
    private readonly outcomes: ImageOutcomesRepository,
    private readonly requests: RequestsRepository,
    private readonly sources: SourceRecordsRepository,
    private readonly fetcher: ImageFetcher,
    private readonly compressor: ImageCompressor,
    private readonly storage: ImageStorage,
    private readonly metrics: MetricsService,
    private readonly dispatch: DispatchLoop,
    private readonly config: ImagesConfig,
  ) {}

  async revalidate({ imageIds }: RevalidateImagesJob): Promise<void> {
    // Left out: images done already, and those that another image with the URL records.
    const works = (await this.outcomes.findWorks(imageIds)).filter(
      (work) => work.status === ImageStatus.Pending && work.primaryImageId === work.imageId,
    );
    const [first] = works;
    if (!first || first.requestDeleted) return;
    const reusable =
      this.config.reuseResults &&
      !first.refresh &&
      first.variants.length === 0 &&
      !first.requestCancelled
        ? works
        : [];
    const resolved = await this.resolve(reusable);
    const resolvedIds = new Set(resolved.map(({ work }) => work.imageId));
    await this.images.addBulk(
      works
        .filter((work) => !resolvedIds.has(work.imageId))
        .map((work) => ({
          name: COMPRESS_IMAGE_JOB,
          data: { imageId: work.imageId },
          opts: {
            jobId: JobIds.compressImage(work.imageId, work.retries),
            attempts: this.config.attempts,
            backoff: { type: 'exponential', delay: this.config.backoffMs },
          },
        })),
    );
    if (resolved.length === 0) return;
    if (!(await this.requests.isLive(first.requestPk))) {
      // Deleted meanwhile: its deletion may have missed the copies just made.
      for (const { outcome } of resolved) {
        if (outcome.status === ImageStatus.Completed) await this.storage.remove(outcome.outputKey);
      }
      return;
    }
    const recorded = await this.outcomes.recordOutcomes(
      resolved.map(({ work, outcome }) => ({ work, outcome, attempts: work.attempts + 1 })),
    );
    recorded.forEach((result, index) => {
      if (result.recorded) this.metrics.recordImage(resolved[index].outcome);
    });
    if (recorded.some((result) => result.requestFinished)) this.dispatch.kick();
    try {
      await this.sources.confirmAll(resolved.flatMap(({ source }) => (source ? [source] : [])));
    } catch (error) {
      this.logger.warn(`Remembering ${resolved.length} sources failed: ${String(error)}`);
    }
  }

  /**
   * The images whose stored result was copied, with their outcomes: those answered `304` to a
   * conditional `HEAD`, and those of a source kept without validators whose bytes, read again,
   * hash as before.
   */
  private async resolve(works: ImageWork[]): Promise<(Processed & { work: ImageWork })[]> {
    if (works.length === 0) return [];
    const owner = works[0].owner ?? SERVICE_OWNER;
    const records = await this.sources.findByUrls(
      owner,
      works.map((work) => work.inputUrl),
    );
    const resolved: (Processed & { work: ImageWork })[] = [];
    let next = 0;
    const resolveNext = async (): Promise<void> => {
      while (next < works.length) {
        const work = works[next++];
        const earlier = records.get(work.inputUrl);
        if (!earlier || earlier.recipe !== this.compressor.recipe) continue;
        if (!isImageFormat(earlier.format)) continue;
        const seen = await this.seeAgain(work.inputUrl, earlier);
        if (!seen) continue;
        const outputKey = StorageKeys.image({ ...work, format: earlier.format });
        const copied = await this.storage.copy(earlier.outputKey, outputKey).catch(() => false);
        if (!copied) continue;
        resolved.push({ work, ...reusedResult(work, earlier, seen.reason, seen, outputKey) });
      }
    };
    await Promise.all(Array.from({ length: REVALIDATIONS_AT_ONCE }, resolveNext));
    return resolved;
  }

  /**
   * How the source is seen to be unchanged, or null when it may have changed (or could not be
   * read). With validators kept: a `304` to a conditional `HEAD`. Without, or when the origin
   * answers with none any more: the same SHA-256 of a download. A changed source's job
   * downloads it again, as any image's.
   */
  private async seeAgain(
    url: string,
    earlier: SourceRecord,
  ): Promise<(SeenSource & { reason: ReuseReason }) | null> {
    if (earlier.validators) {
      const answer = await this.fetcher.revalidate(url, earlier.validators);
      if (!answer) return null;
      if (answer.notModified) {
        return {
          reason: ReuseReason.NotModified,
          validators: answer.validators,
          sha256: earlier.sha256,
        };
      }
      // New validators name a new source: its job downloads it once.
      if (answer.validators) return null;
    }
    return this.bodyReads.run(async () => {
      const downloaded = await this.fetcher.fetch(url).catch(() => null);
      if (!downloaded || downloaded.notModified) return null;
      const sha256 = sourceSha256(downloaded.bytes);
      return sha256 === earlier.sha256
        ? { reason: ReuseReason.SameBytes, validators: downloaded.validators, sha256 }
        : null;
    });
  }
}
