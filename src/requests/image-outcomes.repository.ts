import { Injectable } from '@nestjs/common';
import { Database } from './database';
import { EntityManager } from 'typeorm';
import { parseVariantList, VariantFormat } from '../common/variant-formats';
import { ImageOutcome, OwedVariant } from './image-outcome';
import { OutboxKind } from './outbox-entry.entity';
import { ImageStatus, VariantStatus } from './request-status';
import { runStatement } from './sql-statements';

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
  /** Images of the request with this URL, this one included. */
  sameUrlImages: number;
  /** Its request was cancelled (or deleted): the image must not be started. */
  requestCancelled: boolean;
  /** Its request was deleted: nothing of it may be stored any more. */
  requestDeleted: boolean;
  /** The API key owner of its request; null when API keys are off. */
  owner: string | null;
  /** Its request was uploaded with `refresh=true`: no earlier result may be reused. */
  refresh: boolean;
  /** The modern formats its request asked for next to each same-format output. */
  variants: VariantFormat[];
}

export interface RecordedOutcome {
  /** False when the image already had an outcome (a job that ran twice). */
  recorded: boolean;
  /** True for the one outcome that gave the request its last image. */
  requestFinished: boolean;
  /** The variants of the image to encode now, by id. */
  pendingVariants: number[];
}

const PENDING = `'${ImageStatus.Pending}'`;

/**
 * The statements are written out, not built: a worker runs them for every image, and a query
 * builder would spend more time building them than the database spends running them.
 */
const FIND_WORK = `
  SELECT i.id AS image_id, i.request_pk AS request_pk, r.request_id AS request_uuid,
         p.row_number AS row_number, i.position AS position, i.input_url AS input_url,
         i.url_hash AS url_hash, i.status AS status, i.attempts AS attempts,
         same.first_id AS primary_image_id, same.images AS same_url_images,
         CASE WHEN r.cancelled_at IS NULL THEN 0 ELSE 1 END AS request_cancelled,
         CASE WHEN r.deleted_at IS NULL THEN 0 ELSE 1 END AS request_deleted,
         r.owner AS owner, CASE WHEN r.refresh THEN 1 ELSE 0 END AS refresh,
         r.variants AS variants
    FROM images i
    JOIN products p ON p.id = i.product_id
    JOIN image_processing_requests r ON r.id = i.request_pk
    JOIN (SELECT MIN(CASE WHEN d.status = ${PENDING} THEN d.id END) AS first_id,
                 COUNT(*) AS images
            FROM images d JOIN images own ON own.id = :imageId
           WHERE d.request_pk = own.request_pk AND d.url_hash = own.url_hash
             AND d.input_url = own.input_url) same ON 1 = 1
   WHERE i.id = :imageId`;

const OUTCOME_COLUMNS = `
  status = :status, output_key = :outputKey, bytes_in = :bytesIn, bytes_out = :bytesOut,
  format = :format, source_quality = :sourceQuality, target_quality = :targetQuality,
  width = :width, height = :height, skip_reason = :skipReason, score = :score, error = :error,
  reuse_reason = :reuseReason, reuse_request_id = :reuseRequestId, processed_at = :processedAt`;

const RECORD_OWN = `
  UPDATE images SET ${OUTCOME_COLUMNS}, attempts = :attempts
   WHERE id = :imageId AND status = ${PENDING}`;

const RECORD_SAME_URL = `
  UPDATE images SET ${OUTCOME_COLUMNS}, reused_from = :imageId
   WHERE request_pk = :requestPk AND url_hash = :urlHash AND input_url = :inputUrl
     AND status = ${PENDING} AND id <> :imageId`;

const SCORE = 'CAST(:score AS DOUBLE PRECISION)';

const COUNT_OUTCOMES = `
  UPDATE image_processing_requests
     SET processed_images = processed_images + :images, failed_images = failed_images + :failed,
         cancelled_images = cancelled_images + :cancelled,
         reused_images = reused_images + :reused,
         scored_images = scored_images + :scored, score_sum = score_sum + :scoreSum,
         min_score = CASE WHEN min_score IS NULL OR min_score > ${SCORE} THEN ${SCORE}
                          ELSE min_score END,
         total_variants = total_variants + :variants,
         processed_variants = processed_variants + :droppedVariants,
         updated_at = :now
   WHERE id = :requestPk
  RETURNING processed_images, total_images, processed_variants, total_variants`;

export const OWE_FINALISATION = `
  INSERT INTO outbox (kind, request_pk, attempt, due_at)
  VALUES ('${OutboxKind.FinaliseRequest}', :requestPk, 1, :now)
  ON CONFLICT DO NOTHING`;

const INSERT_VARIANT = `
  INSERT INTO image_variants (image_id, request_pk, format, status, target_score, reason,
                              processed_at)
  VALUES (:imageId, :requestPk, :format, :status, :targetScore, :reason, :processedAt)
  ON CONFLICT DO NOTHING
  RETURNING id, status`;

const RECORD_FAILED_ATTEMPT = `
  UPDATE images SET attempts = :attempts, error = :error
   WHERE id = :imageId AND status = ${PENDING}`;

/** The counters a request is finished by: every image, and every variant, has an outcome. */
export interface DoneCounts {
  processed_images: number | string;
  total_images: number | string;
  processed_variants: number | string;
  total_variants: number | string;
}

export function isFinished(counts: DoneCounts | undefined): boolean {
  return (
    counts !== undefined &&
    Number(counts.processed_images) >= Number(counts.total_images) &&
    Number(counts.processed_variants) >= Number(counts.total_variants)
  );
}

/**
 * Writes the variants an image's outcome owes, in the transaction that records the outcome;
 * returns the ids of those to encode and how many were dropped at once. Written once per
 * image: a second try changes nothing.
 */
async function oweVariants(
  manager: EntityManager,
  requestPk: number,
  imageId: number,
  variants: readonly OwedVariant[],
  now: Date,
): Promise<{ pending: number[]; dropped: number; written: number }> {
  const pending: number[] = [];
  let dropped = 0;
  let written = 0;
  for (const variant of variants) {
    const { rows } = await runStatement<{ id: number; status: VariantStatus }>(
      manager,
      INSERT_VARIANT,
      {
        imageId,
        requestPk,
        format: variant.format,
        status: variant.dropReason ? VariantStatus.Dropped : VariantStatus.Pending,
        targetScore: variant.targetScore,
        reason: variant.dropReason,
        processedAt: variant.dropReason ? now : null,
      },
    );
    for (const row of rows) {
      written += 1;
      if (row.status === VariantStatus.Pending) pending.push(Number(row.id));
      else dropped += 1;
    }
  }
  return { pending, dropped, written };
}

/** Images given one outcome at once, and what they add to their request's counters. */
interface CountedOutcomes {
  images: number;
  failed: number;
  cancelled: number;
  reused: number;
  /** Each image's score; null when they have none. */
  score: number | null;
  /** Variants the outcome owes, and how many of them were dropped at once. */
  variants: number;
  droppedVariants: number;
  now: Date;
}

/** The image worker's reads and writes. */
@Injectable()
export class ImageOutcomesRepository {
  constructor(private readonly database: Database) {}

  /** Everything about one image a worker needs, in one query; null when it does not exist. */
  async findWork(imageId: number): Promise<ImageWork | null> {
    const { rows } = await this.database.statement<Record<string, string | number>>(FIND_WORK, {
      imageId,
    });
    const [row] = rows;
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
      // The first image of the URL still to be processed; none when this one has its outcome.
      primaryImageId: row.primary_image_id === null ? 0 : Number(row.primary_image_id),
      sameUrlImages: Number(row.same_url_images),
      requestCancelled: Number(row.request_cancelled) === 1,
      requestDeleted: Number(row.request_deleted) === 1,
      owner: row.owner === null ? null : String(row.owner),
      refresh: Number(row.refresh) === 1,
      variants: parseVariantList(String(row.variants ?? '')) ?? [],
    };
  }

  /** A failed attempt that will be retried: the status shows it while the image waits. */
  async recordFailedAttempt(imageId: number, attempts: number, error: string): Promise<void> {
    await this.database.statement(RECORD_FAILED_ATTEMPT, {
      imageId,
      attempts,
      error,
    });
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
    return this.database.transaction((manager) => this.recordIn(manager, work, outcome, attempts));
  }

  /** Records several images' outcomes, each as `recordOutcome` does, in one transaction. */
  recordOutcomes(
    entries: readonly { work: ImageWork; outcome: ImageOutcome; attempts: number }[],
  ): Promise<RecordedOutcome[]> {
    return this.database.transaction(async (manager) => {
      const recorded: RecordedOutcome[] = [];
      for (const { work, outcome, attempts } of entries) {
        recorded.push(await this.recordIn(manager, work, outcome, attempts));
      }
      return recorded;
    });
  }

  private async recordIn(
    manager: EntityManager,
    work: ImageWork,
    outcome: ImageOutcome,
    attempts: number,
  ): Promise<RecordedOutcome> {
    const now = new Date();
    const values = { ...outcomeColumns(outcome), processedAt: now, imageId: work.imageId };
    const own = await runStatement(manager, RECORD_OWN, { ...values, attempts });
    if (own.affected !== 1) return { recorded: false, requestFinished: false, pendingVariants: [] };
    const sameUrl = { requestPk: work.requestPk, urlHash: work.urlHash, inputUrl: work.inputUrl };
    const copies =
      work.sameUrlImages > 1
        ? (await runStatement(manager, RECORD_SAME_URL, { ...values, ...sameUrl })).affected
        : 0;
    const images = 1 + copies;
    const owed =
      outcome.status === ImageStatus.Completed && outcome.variants
        ? await oweVariants(manager, work.requestPk, work.imageId, outcome.variants, now)
        : { pending: [], dropped: 0, written: 0 };
    const requestFinished = await this.countOutcomes(manager, work.requestPk, {
      images,
      failed: outcome.status === ImageStatus.Failed ? images : 0,
      cancelled: outcome.status === ImageStatus.Cancelled ? images : 0,
      reused: outcome.status === ImageStatus.Completed && outcome.reuse ? images : 0,
      score: outcome.status === ImageStatus.Completed ? outcome.score : null,
      variants: owed.written,
      droppedVariants: owed.dropped,
      now,
    });
    if (requestFinished) {
      await runStatement(manager, OWE_FINALISATION, { requestPk: work.requestPk, now });
    }
    return { recorded: true, requestFinished, pendingVariants: owed.pending };
  }

  /** Adds to the request's counters; true when every image and variant now has an outcome. */
  private async countOutcomes(
    manager: EntityManager,
    requestPk: number,
    { images, failed, cancelled, reused, score, variants, droppedVariants, now }: CountedOutcomes,
  ): Promise<boolean> {
    const scored = score === null ? 0 : images;
    const { rows } = await runStatement<DoneCounts>(manager, COUNT_OUTCOMES, {
      requestPk,
      images,
      failed,
      cancelled,
      reused,
      scored,
      scoreSum: (score ?? 0) * scored,
      score,
      variants,
      droppedVariants,
      now,
    });
    return isFinished(rows[0]);
  }
}

/** Every outcome column, so that a statement sets each one whatever the outcome. */
function outcomeColumns(outcome: ImageOutcome): Record<string, unknown> {
  const completed = outcome.status === ImageStatus.Completed;
  return {
    status: outcome.status,
    outputKey: completed ? outcome.outputKey : null,
    bytesIn: outcome.status === ImageStatus.Cancelled ? null : (outcome.bytesIn ?? null),
    bytesOut: completed ? outcome.bytesOut : null,
    format: outcome.status === ImageStatus.Cancelled ? null : (outcome.format ?? null),
    sourceQuality: completed ? outcome.sourceQuality : null,
    targetQuality: completed ? outcome.targetQuality : null,
    width: completed ? outcome.width : null,
    height: completed ? outcome.height : null,
    skipReason: completed ? outcome.skipReason : null,
    score: completed ? outcome.score : null,
    error: outcome.status === ImageStatus.Failed ? outcome.error : null,
    reuseReason: completed ? (outcome.reuse?.reason ?? null) : null,
    reuseRequestId: completed ? (outcome.reuse?.requestId ?? null) : null,
  };
}
