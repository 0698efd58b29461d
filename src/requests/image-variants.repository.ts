import { Injectable } from '@nestjs/common';
import { VariantFormat } from '../common/variant-formats';
import { Database } from './database';
import { DoneCounts, isFinished, OWE_FINALISATION } from './image-outcomes.repository';
import { VariantDropReason, VariantStatus } from './request-status';
import { runStatement } from './sql-statements';

/** What a worker needs to encode one variant. */
export interface VariantWork {
  variantId: number;
  imageId: number;
  requestPk: number;
  requestId: string;
  rowNumber: number;
  position: number;
  format: VariantFormat;
  status: VariantStatus;
  targetScore: number | null;
  /** The same-format output's upright size and bytes. */
  width: number;
  height: number;
  bytesOut: number;
  requestCancelled: boolean;
  requestDeleted: boolean;
}

/** How a variant ended. */
export type VariantOutcome =
  | { status: VariantStatus.Kept; outputKey: string; bytes: number; quality: number; score: number }
  | {
      status: VariantStatus.Dropped;
      reason: VariantDropReason;
      bytes?: number | null;
      quality?: number | null;
      score?: number | null;
    };

/** A variant as the status and the report show it. */
export interface VariantListing {
  format: string;
  status: VariantStatus;
  outputKey: string | null;
  bytes: number | null;
  quality: number | null;
  score: number | null;
  reason: VariantDropReason | null;
}

const PENDING = `'${VariantStatus.Pending}'`;

const FIND_WORK = `
  SELECT v.id AS variant_id, v.image_id AS image_id, v.request_pk AS request_pk,
         v.format AS format, v.status AS status, v.target_score AS target_score,
         r.request_id AS request_uuid, p.row_number AS row_number, i.position AS position,
         i.width AS width, i.height AS height, i.bytes_out AS bytes_out,
         CASE WHEN r.cancelled_at IS NULL THEN 0 ELSE 1 END AS request_cancelled,
         CASE WHEN r.deleted_at IS NULL THEN 0 ELSE 1 END AS request_deleted
    FROM image_variants v
    JOIN images i ON i.id = v.image_id
    JOIN products p ON p.id = i.product_id
    JOIN image_processing_requests r ON r.id = v.request_pk
   WHERE v.id = :variantId`;

const RECORD = `
  UPDATE image_variants
     SET status = :status, output_key = :outputKey, bytes = :bytes, quality = :quality,
         score = :score, reason = :reason, processed_at = :now
   WHERE id = :variantId AND status = ${PENDING}`;

export const COUNT_VARIANT = `
  UPDATE image_processing_requests
     SET processed_variants = processed_variants + 1, kept_variants = kept_variants + :kept,
         updated_at = :now
   WHERE id = :requestPk
  RETURNING processed_images, total_images, processed_variants, total_variants`;

const PENDING_OF_REQUEST = `
  SELECT id FROM image_variants WHERE request_pk = :requestPk AND status = ${PENDING}
   ORDER BY id LIMIT :limit`;

const PENDING_OF_IMAGE = `
  SELECT COUNT(*) AS pending FROM image_variants
   WHERE image_id = :imageId AND status = ${PENDING}`;

/** The variant worker's reads and writes. */
@Injectable()
export class ImageVariantsRepository {
  constructor(private readonly database: Database) {}

  async findWork(variantId: number): Promise<VariantWork | null> {
    const { rows } = await this.database.statement<Record<string, string | number | null>>(
      FIND_WORK,
      { variantId },
    );
    const [row] = rows;
    if (!row) return null;
    return {
      variantId: Number(row.variant_id),
      imageId: Number(row.image_id),
      requestPk: Number(row.request_pk),
      requestId: String(row.request_uuid),
      rowNumber: Number(row.row_number),
      position: Number(row.position),
      format: String(row.format) as VariantFormat,
      status: row.status as VariantStatus,
      targetScore: row.target_score === null ? null : Number(row.target_score),
      width: Number(row.width),
      height: Number(row.height),
      bytesOut: Number(row.bytes_out),
      requestCancelled: Number(row.request_cancelled) === 1,
      requestDeleted: Number(row.request_deleted) === 1,
    };
  }

  /**
   * Records a variant's outcome once and counts it on its request; the transaction that
   * counts the request's last variant (its images all done) owes the request's finalisation.
   * Returns whether it recorded anything and whether the request is now finished.
   */
  record(
    work: VariantWork,
    outcome: VariantOutcome,
  ): Promise<{ recorded: boolean; requestFinished: boolean }> {
    return this.database.transaction(async (manager) => {
      const now = new Date();
      const kept = outcome.status === VariantStatus.Kept;
      const { affected } = await runStatement(manager, RECORD, {
        variantId: work.variantId,
        status: outcome.status,
        outputKey: kept ? outcome.outputKey : null,
        bytes: outcome.bytes ?? null,
        quality: outcome.quality ?? null,
        score: outcome.score ?? null,
        reason: kept ? null : outcome.reason,
        now,
      });
      if (affected !== 1) return { recorded: false, requestFinished: false };
      const { rows } = await runStatement<DoneCounts>(manager, COUNT_VARIANT, {
        requestPk: work.requestPk,
        kept: kept ? 1 : 0,
        now,
      });
      const requestFinished = isFinished(rows[0]);
      if (requestFinished) {
        await runStatement(manager, OWE_FINALISATION, { requestPk: work.requestPk, now });
      }
      return { recorded: true, requestFinished };
    });
  }

  /** Up to `limit` variants of a request still to encode: those whose jobs should exist. */
  async pendingOfRequest(requestPk: number, limit: number): Promise<number[]> {
    const { rows } = await this.database.statement<{ id: number }>(PENDING_OF_REQUEST, {
      requestPk,
      limit,
    });
    return rows.map((row) => Number(row.id));
  }

  /** Which of these variants are still to encode. */
  async stillPending(variantIds: number[]): Promise<Set<number>> {
    if (variantIds.length === 0) return new Set();
    const rows = await this.database.run((manager) =>
      manager
        .createQueryBuilder()
        .select('v.id AS id')
        .from('image_variants', 'v')
        .where(`v.id IN (:...variantIds) AND v.status = ${PENDING}`, { variantIds })
        .getRawMany<{ id: number | string }>(),
    );
    return new Set(rows.map((row) => Number(row.id)));
  }

  /** How many variants of an image are still to encode. */
  async pendingOfImage(imageId: number): Promise<number> {
    const { rows } = await this.database.statement<{ pending: number | string }>(PENDING_OF_IMAGE, {
      imageId,
    });
    return Number(rows[0]?.pending ?? 0);
  }

  /** The variants of these images (the images that were compressed), by image id. */
  async ofImages(imageIds: number[]): Promise<Map<number, VariantListing[]>> {
    const byImage = new Map<number, VariantListing[]>();
    if (imageIds.length === 0) return byImage;
    const rows = await this.database.run((manager) =>
      manager
        .createQueryBuilder()
        .select([
          'v.image_id AS image_id',
          'v.format AS format',
          'v.status AS status',
          'v.output_key AS output_key',
          'v.bytes AS bytes',
          'v.quality AS quality',
          'v.score AS score',
          'v.reason AS reason',
        ])
        .from('image_variants', 'v')
        .where('v.image_id IN (:...imageIds)', { imageIds: [...new Set(imageIds)] })
        .orderBy('v.image_id', 'ASC')
        .addOrderBy('v.id', 'ASC')
        .getRawMany<Record<string, string | number | null>>(),
    );
    for (const row of rows) {
      const imageId = Number(row.image_id);
      const list = byImage.get(imageId) ?? [];
      list.push({
        format: String(row.format),
        status: row.status as VariantStatus,
        outputKey: row.output_key === null ? null : String(row.output_key),
        bytes: row.bytes === null ? null : Number(row.bytes),
        quality: row.quality === null ? null : Number(row.quality),
        score: row.score === null ? null : Number(row.score),
        reason: row.reason === null ? null : (String(row.reason) as VariantDropReason),
      });
      byImage.set(imageId, list);
    }
    return byImage;
  }
}
