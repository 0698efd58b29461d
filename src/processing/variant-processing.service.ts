import { Injectable, Logger } from '@nestjs/common';
import { DispatchLoop } from '../dispatch/dispatch-loop';
import { EncodeVariantJob } from '../queue/queue.constants';
import {
  ImageVariantsRepository,
  VariantOutcome,
  VariantWork,
} from '../requests/image-variants.repository';
import { VariantDropReason, VariantStatus } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { ImageStorage } from '../storage/image-storage';
import { IMAGE_FORMATS } from '../storage/image-formats';
import { StorageKeys } from '../storage/storage-keys';
import { StorageWriteError } from './image-processing.service';
import { VariantEncoder } from './variant-encoder';

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Encodes one variant of a compressed image from its source, kept in storage by the image's
 * job: at the lowest quality that reaches the same-format output's score, kept only when it is
 * smaller than that output. Safe to run twice: the stored file is overwritten and the outcome
 * recorded once. The source goes once the image has no variant left to encode.
 */
@Injectable()
export class VariantProcessingService {
  private readonly logger = new Logger(VariantProcessingService.name);

  constructor(
    private readonly variants: ImageVariantsRepository,
    private readonly requests: RequestsRepository,
    private readonly encoder: VariantEncoder,
    private readonly storage: ImageStorage,
    private readonly dispatch: DispatchLoop,
  ) {}

  async process(job: EncodeVariantJob): Promise<void> {
    const work = await this.variants.findWork(job.variantId);
    if (!work || work.status !== VariantStatus.Pending || work.requestDeleted) return;
    if (work.requestCancelled) {
      await this.record(work, {
        status: VariantStatus.Dropped,
        reason: VariantDropReason.Cancelled,
      });
      return;
    }
    const outcome = await this.encodeAndStore(work);
    if (outcome.status === VariantStatus.Kept && !(await this.requests.isLive(work.requestPk))) {
      // Deleted while this variant was in hand: its deletion may have missed what was just stored.
      await this.storage.remove(outcome.outputKey);
      return;
    }
    await this.record(work, outcome);
  }

  /** Records a variant whose job Bull gave up on as dropped, so that its request can finish. */
  async recordLostVariant(job: EncodeVariantJob, error: Error): Promise<void> {
    const work = await this.variants.findWork(job.variantId);
    if (!work || work.status !== VariantStatus.Pending) return;
    this.logger.warn(`Variant ${work.variantId} failed: ${error.message}`);
    await this.record(work, { status: VariantStatus.Dropped, reason: VariantDropReason.Failed });
  }

  private async encodeAndStore(work: VariantWork): Promise<VariantOutcome> {
    const source = await this.readSource(work);
    if (!source || work.targetScore === null) {
      return { status: VariantStatus.Dropped, reason: VariantDropReason.Failed };
    }
    const size = { width: work.width, height: work.height };
    const encoded = await this.encoder.encode(source, size, work.format, work.targetScore);
    if (!encoded.reached) {
      const { quality, score } = encoded;
      return {
        status: VariantStatus.Dropped,
        reason: VariantDropReason.BelowScore,
        quality,
        score,
      };
    }
    const { data, quality, score } = encoded;
    if (data.length >= work.bytesOut) {
      return {
        status: VariantStatus.Dropped,
        reason: VariantDropReason.NotSmaller,
        bytes: data.length,
        quality,
        score,
      };
    }
    const outputKey = StorageKeys.variant({ ...work, format: work.format });
    try {
      await this.storage.save(outputKey, data, IMAGE_FORMATS[work.format].contentType);
    } catch (error) {
      throw new StorageWriteError(`Storing the variant failed: ${errorMessage(error)}`);
    }
    return { status: VariantStatus.Kept, outputKey, bytes: data.length, quality, score };
  }

  /** The kept source, or null when it is gone (its image's variants are all done). */
  private async readSource(work: VariantWork): Promise<Buffer | null> {
    const stored = await this.storage.open(StorageKeys.variantSource(work));
    if (!stored) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of stored.stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  private async record(work: VariantWork, outcome: VariantOutcome): Promise<void> {
    const recorded = await this.variants.record(work, outcome);
    if (recorded.requestFinished) this.dispatch.kick();
    if (recorded.recorded && (await this.variants.pendingOfImage(work.imageId)) === 0) {
      await this.storage.remove(StorageKeys.variantSource(work));
    }
    this.logger.debug(
      `Variant ${work.requestId}/${work.rowNumber}-${work.position}.${work.format}: ` +
        `${outcome.status}${outcome.status === VariantStatus.Dropped ? ` (${outcome.reason})` : ''}`,
    );
  }
}
