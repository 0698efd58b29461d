import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CsvDelimiter } from '../csv/csv-delimiter';
import { RequestStatus, WebhookStatus } from './request-status';

/**
 * A key's recent requests, newest first, read as one range of this index. Deleted requests stay
 * until their images, products and objects are gone, and every read skips them.
 */
@Index('IDX_requests_owner_recent', ['owner', 'id'])
@Entity('image_processing_requests')
export class ImageProcessingRequest {
  @PrimaryGeneratedColumn()
  id!: number;

  /** The public id: a UUID, as in the API and every job. */
  @Index({ unique: true })
  @Column({ name: 'request_id', type: 'varchar', length: 36 })
  requestId!: string;

  @Column({ type: 'varchar', length: 16, default: RequestStatus.Pending })
  status!: RequestStatus;

  @Column({ name: 'webhook_url', type: 'varchar', length: 2048, nullable: true })
  webhookUrl!: string | null;

  /** Owner id of the API key that uploaded the request; null when API keys are off. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  owner!: string | null;

  /** The uploaded file's name as the client sent it, cut to 255 characters; null when none was. */
  @Column({ name: 'file_name', type: 'varchar', length: 255, nullable: true })
  fileName!: string | null;

  /** The uploaded CSV's cell separator, which its output CSV keeps. */
  @Column({ name: 'csv_delimiter', type: 'varchar', length: 1, default: ',' })
  csvDelimiter!: CsvDelimiter;

  @Column({ name: 'total_images', type: 'integer', default: 0 })
  totalImages!: number;

  /** Images that have reached a final state, whether compressed or failed. */
  @Column({ name: 'processed_images', type: 'integer', default: 0 })
  processedImages!: number;

  @Column({ name: 'failed_images', type: 'integer', default: 0 })
  failedImages!: number;

  /** Images that were never processed because the request was cancelled. */
  @Column({ name: 'cancelled_images', type: 'integer', default: 0 })
  cancelledImages!: number;

  /** Images whose result was copied from an earlier request's instead of being encoded. */
  @Column({ name: 'reused_images', type: 'integer', default: 0 })
  reusedImages!: number;

  /** Uploaded with `refresh=true`: every image is downloaded and encoded afresh. */
  @Column({ type: 'boolean', default: false })
  refresh!: boolean;

  /** The modern formats (`webp,avif`) each compressed image gets a variant in; '' for none. */
  @Column({ type: 'varchar', length: 16, default: '' })
  variants!: string;

  /** Variants owed so far (a row per compressed image and asked format), done, and kept. */
  @Column({ name: 'total_variants', type: 'integer', default: 0 })
  totalVariants!: number;

  @Column({ name: 'processed_variants', type: 'integer', default: 0 })
  processedVariants!: number;

  @Column({ name: 'kept_variants', type: 'integer', default: 0 })
  keptVariants!: number;

  /** How many times the request's failed and cancelled images were tried again. */
  @Column({ type: 'integer', default: 0 })
  retries!: number;

  /** Images with a quality score, and the sum and minimum of their scores. */
  @Column({ name: 'scored_images', type: 'integer', default: 0 })
  scoredImages!: number;

  @Column({ name: 'score_sum', type: 'double precision', default: 0 })
  scoreSum!: number;

  @Column({ name: 'min_score', type: 'double precision', nullable: true })
  minScore!: number | null;

  /** The highest image ordinal handed to the queue; the dispatcher goes on from here. */
  @Column({ name: 'dispatched_through', type: 'integer', default: 0 })
  dispatchedThrough!: number;

  /** Null when the request has no webhook or has not finished. */
  @Column({ name: 'webhook_status', type: 'varchar', length: 16, nullable: true })
  webhookStatus!: WebhookStatus | null;

  @Column({ name: 'webhook_attempts', type: 'integer', default: 0 })
  webhookAttempts!: number;

  @Column({ name: 'webhook_last_error', type: 'text', nullable: true })
  webhookLastError!: string | null;

  @Column({ name: 'webhook_next_attempt_at', type: Date, nullable: true })
  webhookNextAttemptAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;

  @Column({ name: 'completed_at', type: Date, nullable: true })
  completedAt!: Date | null;

  /** When it was asked to stop: no image is started after this, and it ends Cancelled. */
  @Column({ name: 'cancelled_at', type: Date, nullable: true })
  cancelledAt!: Date | null;

  /**
   * When its upload was committed, until its `202` has been handed to the socket (null from
   * then on): the client may never have heard of it, so it is not processed, and it is
   * deleted once `UNCONFIRMED_UPLOAD_GRACE_MS` have passed.
   */
  @Column({ name: 'unconfirmed_since', type: Date, nullable: true })
  unconfirmedSince!: Date | null;

  /** When it was deleted: it no longer exists for anyone while its data is being removed. */
  @Column({ name: 'deleted_at', type: Date, nullable: true })
  deletedAt!: Date | null;
}
