import { Injectable } from '@nestjs/common';
import { Database } from './database';
import { EntityManager } from 'typeorm';
import { ImageProcessingRequest } from './image-processing-request.entity';
import { Image } from './image.entity';
import { ImageStatus, RequestStatus } from './request-status';

/** An unfinished request, as the dispatcher sees it. */
export interface OpenRequest {
  requestPk: number;
  /** The highest ordinal of its images handed to the queue so far. */
  dispatchedThrough: number;
  totalImages: number;
  processedImages: number;
  /** No image of it may be queued any more; those already queued still end. */
  cancelled: boolean;
  /** The API key owner; null when API keys are off. */
  owner: string | null;
  /** Uploaded with `refresh=true`: no earlier result may be reused. */
  refresh: boolean;
  /** Asks for variants, which are encoded from the sources: no earlier result may be reused. */
  hasVariants: boolean;
  /** How many times its failed images were retried: the round its images' jobs belong to. */
  retries: number;
}

export interface DispatchableImage {
  imageId: number;
  ordinal: number;
  inputUrl: string;
}

const dispatchableImage = (row: Record<string, number | string>): DispatchableImage => ({
  imageId: Number(row.id),
  ordinal: Number(row.ordinal),
  inputUrl: String(row.input_url),
});

/**
 * The dispatcher's queries. A request's images are queued in output order; `dispatched_through`
 * remembers how far, so that every pass reads the next images by index, never the backlog.
 */
@Injectable()
export class DispatchRepository {
  constructor(private readonly database: Database) {}

  /** Unfinished requests whose upload was confirmed to its client, oldest first. */
  async openRequests(limit: number): Promise<OpenRequest[]> {
    const rows = await this.database.run((manager) =>
      manager
        .getRepository(ImageProcessingRequest)
        .createQueryBuilder('r')
        .select([
          'r.id AS id',
          'r.dispatched_through AS dispatched_through',
          'r.total_images AS total_images',
          'r.processed_images AS processed_images',
          'r.cancelled_at AS cancelled_at',
          'r.owner AS owner',
          'CASE WHEN r.refresh THEN 1 ELSE 0 END AS refresh',
          'r.variants AS variants',
          'r.retries AS retries',
        ])
        .where('r.completed_at IS NULL AND r.deleted_at IS NULL AND r.unconfirmed_since IS NULL')
        .orderBy('r.id', 'ASC')
        .limit(limit)
        .getRawMany<Record<string, number | string | Date | null>>(),
    );
    return rows.map((row) => ({
      requestPk: Number(row.id),
      dispatchedThrough: Number(row.dispatched_through),
      totalImages: Number(row.total_images),
      processedImages: Number(row.processed_images),
      cancelled: row.cancelled_at !== null,
      owner: row.owner === null ? null : String(row.owner),
      refresh: Number(row.refresh) === 1,
      hasVariants: typeof row.variants === 'string' && row.variants !== '',
      retries: Number(row.retries),
    }));
  }

  /** The next pending images of a request after `afterOrdinal`, in output order. */
  async nextPendingImages(
    requestPk: number,
    afterOrdinal: number,
    limit: number,
  ): Promise<DispatchableImage[]> {
    const rows = await this.database.run((manager) =>
      pendingImages(manager, requestPk)
        .andWhere('i.ordinal > :afterOrdinal', { afterOrdinal })
        .orderBy('i.ordinal', 'ASC')
        .limit(limit)
        .getRawMany<Record<string, number | string>>(),
    );
    return rows.map(dispatchableImage);
  }

  /** The pending images already handed to the queue: those whose jobs should exist. */
  async dispatchedPendingImages(
    requestPk: number,
    throughOrdinal: number,
  ): Promise<DispatchableImage[]> {
    const rows = await this.database.run((manager) =>
      pendingImages(manager, requestPk)
        .andWhere('i.ordinal <= :throughOrdinal', { throughOrdinal })
        .getRawMany<Record<string, number | string>>(),
    );
    return rows.map(dispatchableImage);
  }

  /** Which of these images are still pending. */
  async stillPending(imageIds: number[]): Promise<Set<number>> {
    if (imageIds.length === 0) return new Set();
    const rows = await this.database.run((manager) =>
      manager
        .getRepository(Image)
        .createQueryBuilder('i')
        .select('i.id AS id')
        .where(`i.id IN (:...imageIds) AND i.status = '${ImageStatus.Pending}'`, { imageIds })
        .getRawMany<{ id: number | string }>(),
    );
    return new Set(rows.map((row) => Number(row.id)));
  }

  /**
   * Records that the request's images through `to` are queued, if no other dispatcher moved it
   * since `from` was read and it was not cancelled meanwhile; a request's first images being
   * queued is when it starts Processing.
   */
  async advance(requestPk: number, from: number, to: number): Promise<boolean> {
    const result = await this.database.run((manager) =>
      manager
        .createQueryBuilder()
        .update(ImageProcessingRequest)
        .set({
          dispatchedThrough: to,
          status: () => `CASE WHEN status = :pending THEN :processing ELSE status END`,
          updatedAt: new Date(),
        })
        .where('id = :requestPk AND dispatched_through = :from AND cancelled_at IS NULL', {
          requestPk,
          from,
        })
        .setParameters({ pending: RequestStatus.Pending, processing: RequestStatus.Processing })
        .execute(),
    );
    return result.affected === 1;
  }
}

function pendingImages(manager: EntityManager, requestPk: number) {
  return (
    manager
      .getRepository(Image)
      .createQueryBuilder('i')
      .select(['i.id AS id', 'i.ordinal AS ordinal', 'i.input_url AS input_url'])
      // The status is spelled out, not bound, so that the partial index of pending images
      // (IDX_images_pending) is seen to apply.
      .where(`i.request_pk = :requestPk AND i.status = '${ImageStatus.Pending}'`, { requestPk })
  );
}
