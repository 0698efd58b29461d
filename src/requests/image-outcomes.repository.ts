import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ImageOutcome } from './image-outcome';
import { ImageProcessingRequest } from './image-processing-request.entity';
import { Image } from './image.entity';
import { OutboxEntry, OutboxKind } from './outbox-entry.entity';
import { ImageStatus } from './request-status';

/** What a worker needs to process one image. */
export interface ImageWork {
  imageId: number;
  requestPk: number;
  /** The request's public UUID. */
  requestId: string;
  rowNumber: number;
  position: number;
  inputUrl: string;
  urlHash: number;
  status: ImageStatus;
  attempts: number;
  /**
   * The first image of the request with the same URL: the one that is downloaded and
   * compressed for all of them. Equal to `imageId` when this image is that one.
   */
  primaryImageId: number;
}

export interface RecordedOutcome {
  /** False when the image already had an outcome (a job that ran twice). */
  recorded: boolean;
  /** True for the one outcome that gave the request its last image. */
  requestFinished: boolean;
}

/** The image worker's reads and writes. */
@Injectable()
export class ImageOutcomesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Everything about one image a worker needs, in one query; null when it does not exist. */
  async findWork(imageId: number): Promise<ImageWork | null> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select([
        'i.id AS image_id',
        'i.request_id AS request_pk',
        'r.request_id AS request_uuid',
        'p.row_number AS row_number',
        'i.position AS position',
        'i.input_url AS input_url',
        'i.url_hash AS url_hash',
        'i.status AS status',
        'i.attempts AS attempts',
      ])
      .addSelect(
        (first) =>
          first
            .select('MIN(d.id)')
            .from('images', 'd')
            .where('d.request_id = i.request_id')
            .andWhere('d.url_hash = i.url_hash')
            .andWhere('d.input_url = i.input_url'),
        'primary_image_id',
      )
      .from('images', 'i')
      .innerJoin('products', 'p', 'p.id = i.product_id')
      .innerJoin('image_processing_requests', 'r', 'r.id = i.request_id')
      .where('i.id = :imageId', { imageId })
      .getRawOne<Record<string, string | number>>();
    if (!row) return null;
    return {
      imageId: Number(row.image_id),
      requestPk: Number(row.request_pk),
      requestId: String(row.request_uuid),
      rowNumber: Number(row.row_number),
      position: Number(row.position),
      inputUrl: String(row.input_url),
      urlHash: Number(row.url_hash),
      status: row.status as ImageStatus,
      attempts: Number(row.attempts),
      primaryImageId: Number(row.primary_image_id),
    };
  }

  /** A failed attempt that will be retried: the status shows it while the image waits. */
  async recordFailedAttempt(imageId: number, attempts: number, error: string): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(Image)
      .set({ attempts, error })
      .where('id = :imageId AND status = :pending', { imageId, pending: ImageStatus.Pending })
      .execute();
  }

  /**
   * Records an image's outcome once, with every other pending image of the request that has
   * the same URL, and moves the request's counters in the same transaction; so a job that Bull
   * runs twice can neither count an image twice nor lose its count. The transaction that
   * records the request's last image also owes its finalisation, in the outbox.
   */
  recordOutcome(
    work: ImageWork,
    outcome: ImageOutcome,
    attempts: number,
  ): Promise<RecordedOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const result = {
        error: null,
        ...outcome,
        processedAt: now,
      };
      const own = await manager
        .createQueryBuilder()
        .update(Image)
        .set({ ...result, attempts })
        .where('id = :imageId AND status = :pending', {
          imageId: work.imageId,
          pending: ImageStatus.Pending,
        })
        .execute();
      if (own.affected !== 1) return { recorded: false, requestFinished: false };
      const copies = await manager
        .createQueryBuilder()
        .update(Image)
        .set({ ...result, reusedFrom: work.imageId })
        .where('request_id = :requestPk AND url_hash = :urlHash AND input_url = :inputUrl', work)
        .andWhere('status = :pending AND id <> :imageId', {
          pending: ImageStatus.Pending,
          imageId: work.imageId,
        })
        .execute();
      const images = 1 + (copies.affected ?? 0);
      const failed = outcome.status === ImageStatus.Failed ? images : 0;
      const requestFinished = await this.countOutcomes(
        manager,
        work.requestPk,
        images,
        failed,
        now,
      );
      if (requestFinished) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(OutboxEntry)
          .values({
            kind: OutboxKind.FinaliseRequest,
            requestPk: work.requestPk,
            attempt: 1,
            dueAt: now,
            enqueuedAt: null,
          })
          .orIgnore()
          .execute();
      }
      return { recorded: true, requestFinished };
    });
  }

  /** Adds to the request's counters; true when every image now has an outcome. */
  private async countOutcomes(
    manager: EntityManager,
    requestPk: number,
    images: number,
    failed: number,
    now: Date,
  ): Promise<boolean> {
    await manager
      .createQueryBuilder()
      .update(ImageProcessingRequest)
      .set({
        processedImages: () => 'processed_images + :images',
        failedImages: () => 'failed_images + :failed',
        updatedAt: now,
      })
      .where('id = :requestPk', { requestPk })
      .setParameters({ images, failed })
      .execute();
    // The row is locked by the update until commit, so this reads this transaction's counts.
    const request = await manager.findOne(ImageProcessingRequest, {
      select: { processedImages: true, totalImages: true },
      where: { id: requestPk },
    });
    return request !== null && request.processedImages >= request.totalImages;
  }
}
