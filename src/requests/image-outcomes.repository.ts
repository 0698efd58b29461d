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
  /** How many times its request's failed images were retried. */
  retries: number;
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
const WORK_COLUMNS = `
  i.id AS image_id, i.request_pk AS request_pk, r.request_id AS request_uuid,
  p.row_number AS row_number, i.position AS position, i.input_url AS input_url,
  i.url_hash AS url_hash, i.status AS status, i.attempts AS attempts,
  CASE WHEN r.cancelled_at IS NULL THEN 0 ELSE 1 END AS request_cancelled,
  CASE WHEN r.deleted_at IS NULL THEN 0 ELSE 1 END AS request_deleted,
  r.owner AS owner, CASE WHEN r.refresh THEN 1 ELSE 0 END AS refresh, r.variants AS variants,
  r.retries AS retries`;

const FIND_WORK = `
  SELECT ${WORK_COLUMNS},
         CASE WHEN i.shares_url THEN same.first_id
              WHEN i.status = ${PENDING} THEN i.id END AS primary_image_id,
         CASE WHEN i.shares_url THEN same.images ELSE 1 END AS same_url_images
    FROM images i
    JOIN products p ON p.id = i.product_id
    JOIN image_processing_requests r ON r.id = i.request_pk
    JOIN (SELECT MIN(CASE WHEN d.status = ${PENDING} THEN d.id END) AS first_id,
                 COUNT(*) AS images
            FROM images d JOIN images own ON own.id = :imageId
           WHERE d.shares_url AND d.request_pk = own.request_pk AND d.url_hash = own.url_hash
             AND d.input_url = own.input_url) same ON 1 = 1
   WHERE i.id = :imageId`;

/** `FIND_WORK` for several images of one request at once. */
const FIND_WORKS = `
  SELECT ${WORK_COLUMNS},
         CASE WHEN i.shares_url
              THEN (SELECT MIN(CASE WHEN d.status = ${PENDING} THEN d.id END) FROM images d
                     WHERE d.shares_url AND d.request_pk = i.request_pk
                       AND d.url_hash = i.url_hash AND d.input_url = i.input_url)
              WHEN i.status = ${PENDING} THEN i.id END AS primary_image_id,
         CASE WHEN i.shares_url
              THEN (SELECT COUNT(*) FROM images d
                     WHERE d.shares_url AND d.request_pk = i.request_pk
                       AND d.url_hash = i.url_hash AND d.input_url = i.input_url)
              ELSE 1 END AS same_url_images
    FROM images i
    JOIN products p ON p.id = i.product_id
    JOIN image_processing_requests r ON r.id = i.request_pk
   WHERE i.id IN (:...imageIds)
   ORDER BY i.id`;

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
   WHERE shares_url AND request_pk = :requestPk AND url_hash = :urlHash
     AND input_url = :inputUrl AND status = ${PENDING} AND id <> :imageId`;

const MIN_SCORE = 'CAST(:minScore AS DOUBLE PRECISION)';

const COUNT_OUTCOMES = `
  UPDATE image_processing_requests
     SET processed_images = processed_images + :images, failed_images = failed_images + :failed,
         cancelled_images = cancelled_images + :cancelled,
         reused_images = reused_images + :reused,
         scored_images = scored_images + :scored, score_sum = score_sum + :scoreSum,
         min_score = CASE WHEN min_score IS NULL OR min_score > ${MIN_SCORE} THEN ${MIN_SCORE}
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

/** The variants an image's outcome owes: those to encode, by id, and how many were dropped. */
interface OwedVariants {
  pending: number[];
  dropped: number;
  written: number;
}

const NO_VARIANTS: OwedVariants = { pending: [], dropped: 0, written: 0 };

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
): Promise<OwedVariants> {
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

/** What images' outcomes add to their request's counters. */
interface CountedOutcomes {
  images: number;
  failed: number;
  cancelled: number;
  reused: number;
  scored: number;
  scoreSum: number;
  /** The lowest of their scores; null when none has one. */
  minScore: number | null;
  /** Variants the outcomes owe, and how many of them were dropped at once. */
  variants: number;
  droppedVariants: number;
}

const NOTHING_COUNTED: CountedOutcomes = {
  images: 0,
  failed: 0,
  cancelled: 0,
  reused: 0,
  scored: 0,
  scoreSum: 0,
  minScore: null,
  variants: 0,
  droppedVariants: 0,
};

/** What `images` images given `outcome`, owing `owed` variants, add to the counters. */
function countOf(outcome: ImageOutcome, images: number, owed: OwedVariants): CountedOutcomes {
  const score = outcome.status === ImageStatus.Completed ? outcome.score : null;
  return {
    images,
    failed: outcome.status === ImageStatus.Failed ? images : 0,
    cancelled: outcome.status === ImageStatus.Cancelled ? images : 0,
    reused: outcome.status === ImageStatus.Completed && outcome.reuse ? images : 0,
    scored: score === null ? 0 : images,
    scoreSum: score === null ? 0 : score * images,
    minScore: score,
    variants: owed.written,
    droppedVariants: owed.dropped,
  };
}

function added(a: CountedOutcomes, b: CountedOutcomes): CountedOutcomes {
  const scores = [a.minScore, b.minScore].filter((score) => score !== null);
  return {
    images: a.images + b.images,
    failed: a.failed + b.failed,
    cancelled: a.cancelled + b.cancelled,
    reused: a.reused + b.reused,
    scored: a.scored + b.scored,
    scoreSum: a.scoreSum + b.scoreSum,
    minScore: scores.length > 0 ? Math.min(...scores) : null,
    variants: a.variants + b.variants,
    droppedVariants: a.droppedVariants + b.droppedVariants,
  };
}

/** The image worker's reads and writes. */
@Injectable()
export class ImageOutcomesRepository {
  constructor(private readonly database: Database) {}

  /** Everything about one image a worker needs, in one query; null when it does not exist. */
  async findWork(imageId: number): Promise<ImageWork | null> {
    const { rows } = await this.database.statement<WorkRow>(FIND_WORK, { imageId });
    const [row] = rows;
    return row ? workOf(row) : null;
  }

  /** `findWork` for several images at once, in the order of their ids; missing ones left out. */
  async findWorks(imageIds: readonly number[]): Promise<ImageWork[]> {
    if (imageIds.length === 0) return [];
    const { rows } = await this.database.statement<WorkRow>(FIND_WORKS, { imageIds });
    return rows.map(workOf);
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

  /**
   * Records several images' outcomes, each as `recordOutcome` does, in one transaction that
   * moves each request's counters once. `requestFinished` is true for the last recorded entry
   * of a request that the batch finished.
   */
  recordOutcomes(
    entries: readonly { work: ImageWork; outcome: ImageOutcome; attempts: number }[],
  ): Promise<RecordedOutcome[]> {
    return this.database.transaction(async (manager) => {
      const now = new Date();
      const recorded: RecordedOutcome[] = [];
      const counted = new Map<number, { counts: CountedOutcomes; last: RecordedOutcome }>();
      for (const { work, outcome, attempts } of entries) {
        const marked = await this.markIn(manager, work, outcome, attempts, now);
        const result: RecordedOutcome = {
          recorded: marked !== null,
          requestFinished: false,
          pendingVariants: marked?.owed.pending ?? [],
        };
        recorded.push(result);
        if (!marked) continue;
        const counts = counted.get(work.requestPk)?.counts ?? NOTHING_COUNTED;
        counted.set(work.requestPk, {
          counts: added(counts, countOf(outcome, marked.images, marked.owed)),
          last: result,
        });
      }
      for (const [requestPk, { counts, last }] of counted) {
        last.requestFinished = await this.countOutcomes(manager, requestPk, counts, now);
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
    const marked = await this.markIn(manager, work, outcome, attempts, now);
    if (!marked) return { recorded: false, requestFinished: false, pendingVariants: [] };
    const counts = countOf(outcome, marked.images, marked.owed);
    const requestFinished = await this.countOutcomes(manager, work.requestPk, counts, now);
    return { recorded: true, requestFinished, pendingVariants: marked.owed.pending };
  }

  /**
   * Gives the image its outcome, and every other pending image of the request with its URL,
   * and owes its variants; returns how many images that was and what it owes (null when the
   * image had its outcome already).
   */
  private async markIn(
    manager: EntityManager,
    work: ImageWork,
    outcome: ImageOutcome,
    attempts: number,
    now: Date,
  ): Promise<{ images: number; owed: OwedVariants } | null> {
    const values = { ...outcomeColumns(outcome), processedAt: now, imageId: work.imageId };
    const own = await runStatement(manager, RECORD_OWN, { ...values, attempts });
    if (own.affected !== 1) return null;
    const sameUrl = { requestPk: work.requestPk, urlHash: work.urlHash, inputUrl: work.inputUrl };
    const copies =
      work.sameUrlImages > 1
        ? (await runStatement(manager, RECORD_SAME_URL, { ...values, ...sameUrl })).affected
        : 0;
    const images = 1 + copies;
    const owed =
      outcome.status === ImageStatus.Completed && outcome.variants
        ? await oweVariants(manager, work.requestPk, work.imageId, outcome.variants, now)
        : NO_VARIANTS;
    return { images, owed };
  }

  /**
   * Adds to the request's counters; true when every image and variant now has an outcome, and
   * then owes the request's finalisation in the same transaction.
   */
  private async countOutcomes(
    manager: EntityManager,
    requestPk: number,
    counts: CountedOutcomes,
    now: Date,
  ): Promise<boolean> {
    const { rows } = await runStatement<DoneCounts>(manager, COUNT_OUTCOMES, {
      requestPk,
      ...counts,
      now,
    });
    const finished = isFinished(rows[0]);
    if (finished) await runStatement(manager, OWE_FINALISATION, { requestPk, now });
    return finished;
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

type WorkRow = Record<string, string | number | null>;

function workOf(row: WorkRow): ImageWork {
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
    retries: Number(row.retries),
  };
}
