import { Injectable } from '@nestjs/common';
import { Database } from './database';
import { OWE_FINALISATION } from './image-outcomes.repository';
import { OutboxKind } from './outbox-entry.entity';
import { ImageStatus, RequestStatus } from './request-status';
import { runStatement } from './sql-statements';

/** A request whose cancellation, retry or deletion is under way, as the sweep finds it. */
export interface UnfinishedChange {
  requestPk: number;
  requestId: string;
}

/** Numbers from `first` to `last`, both included. */
export interface NumberRange {
  first: number;
  last: number;
}

const FINAL = `('${RequestStatus.Completed}', '${RequestStatus.Failed}', '${RequestStatus.Cancelled}')`;
const PENDING = `'${ImageStatus.Pending}'`;
const CANCELLED = `'${ImageStatus.Cancelled}'`;
const FAILED = `'${ImageStatus.Failed}'`;

const MARK_CANCELLED = `
  UPDATE image_processing_requests SET cancelled_at = :now, updated_at = :now
   WHERE id = :requestPk AND completed_at IS NULL AND cancelled_at IS NULL
     AND deleted_at IS NULL AND processed_images < total_images`;

const CANCELLING = `
  SELECT dispatched_through, total_images FROM image_processing_requests
   WHERE id = :requestPk AND cancelled_at IS NOT NULL AND completed_at IS NULL
     AND deleted_at IS NULL`;

const CANCEL_IMAGES = `
  UPDATE images SET status = ${CANCELLED}, processed_at = :now
   WHERE request_pk = :requestPk AND ordinal > :from AND ordinal <= :to AND status = ${PENDING}`;

/** Cancelled images count as handed over: the dispatcher's mark moves past them. */
const COUNT_CANCELLED = `
  UPDATE image_processing_requests
     SET dispatched_through = :to, processed_images = processed_images + :cancelled,
         cancelled_images = cancelled_images + :cancelled, updated_at = :now
   WHERE id = :requestPk AND dispatched_through = :from
  RETURNING processed_images, total_images`;

const CLAIM_RETRY = `
  UPDATE image_processing_requests
     SET status = '${RequestStatus.Processing}', retries = retries + 1, updated_at = :now
   WHERE id = :requestPk AND completed_at IS NOT NULL AND deleted_at IS NULL
     AND status IN ${FINAL}`;

const RESET_IMAGES = `
  UPDATE images
     SET status = ${PENDING}, attempts = 0, error = NULL, processed_at = NULL, reused_from = NULL,
         output_key = NULL, bytes_in = NULL, bytes_out = NULL, format = NULL,
         source_quality = NULL, target_quality = NULL, width = NULL, height = NULL,
         skip_reason = NULL
   WHERE request_pk = :requestPk AND ordinal > :from AND ordinal <= :to
     AND status IN (${FAILED}, ${CANCELLED})`;

/** Every failed and cancelled image is Pending again by now, so none of them counts. */
const OPEN_RETRIED = `
  UPDATE image_processing_requests
     SET completed_at = NULL, cancelled_at = NULL, dispatched_through = 0,
         processed_images = processed_images - failed_images - cancelled_images,
         failed_images = 0, cancelled_images = 0, webhook_status = NULL, webhook_attempts = 0,
         webhook_last_error = NULL, webhook_next_attempt_at = NULL, updated_at = :now
   WHERE id = :requestPk AND status = '${RequestStatus.Processing}'
     AND completed_at IS NOT NULL AND deleted_at IS NULL
  RETURNING processed_images, total_images`;

const REMOVE_WEBHOOK_ENTRY = `
  DELETE FROM outbox WHERE request_pk = :requestPk AND kind = '${OutboxKind.DeliverWebhook}'`;

const MARK_DELETED = `
  UPDATE image_processing_requests
     SET deleted_at = :now, cancelled_at = COALESCE(cancelled_at, :now), updated_at = :now
   WHERE id = :requestPk AND deleted_at IS NULL`;

const EXPIRED = `
  SELECT id FROM image_processing_requests
   WHERE completed_at < :before AND deleted_at IS NULL AND status IN ${FINAL}
   ORDER BY completed_at LIMIT :limit`;

const MARK_EXPIRED = `
  UPDATE image_processing_requests SET deleted_at = :now, updated_at = :now
   WHERE id = :requestPk AND completed_at < :before AND deleted_at IS NULL
     AND status IN ${FINAL}`;

const UNCONFIRMED = `
  SELECT id FROM image_processing_requests
   WHERE unconfirmed_since < :before AND deleted_at IS NULL
   ORDER BY unconfirmed_since LIMIT :limit`;

/** As DELETE marks a request; the upload's answer may have been sent meanwhile. */
const MARK_UNCONFIRMED = `
  UPDATE image_processing_requests
     SET deleted_at = :now, cancelled_at = COALESCE(cancelled_at, :now), updated_at = :now
   WHERE id = :requestPk AND unconfirmed_since < :before AND deleted_at IS NULL`;

const DELETED = `
  SELECT id, request_id FROM image_processing_requests
   WHERE deleted_at IS NOT NULL ORDER BY id LIMIT :limit`;

const RETRYING = `
  SELECT id, request_id FROM image_processing_requests
   WHERE status = '${RequestStatus.Processing}' AND completed_at IS NOT NULL
     AND deleted_at IS NULL
   ORDER BY id LIMIT :limit`;

const STILL_CANCELLING = `
  SELECT id, request_id FROM image_processing_requests
   WHERE completed_at IS NULL AND cancelled_at IS NOT NULL AND deleted_at IS NULL
     AND dispatched_through < total_images
   ORDER BY id LIMIT :limit`;

/**
 * A request's images and products are deleted a range of their numbers at a time, read by the
 * unique index on (request_pk, ordinal) and (request_pk, row_number): each batch reads its own
 * range only. Taking "the first N left" instead would read past every row deleted so far, on
 * PostgreSQL, until vacuum has cleared their index entries: quadratic in the request's size.
 */
const IMAGE_ORDINALS = `
  SELECT MIN(ordinal) AS first, MAX(ordinal) AS last FROM images WHERE request_pk = :requestPk`;

const DELETE_IMAGES = `
  DELETE FROM images WHERE request_pk = :requestPk AND ordinal >= :from AND ordinal < :to`;

const PRODUCT_ROWS = `
  SELECT MIN(row_number) AS first, MAX(row_number) AS last FROM products
   WHERE request_pk = :requestPk`;

const DELETE_PRODUCTS = `
  DELETE FROM products WHERE request_pk = :requestPk AND row_number >= :from AND row_number < :to`;

/** What goes with a request's row: a few rows each, read by their request's index. */
const DELETE_BELONGINGS = [
  'DELETE FROM outbox WHERE request_pk = :requestPk',
  'DELETE FROM webhook_deliveries WHERE request_pk = :requestPk',
  'DELETE FROM idempotency_keys WHERE request_pk = :requestPk',
];

/** A batch of the sources remembered from a deleted request: their stored results are gone. */
const DELETE_SOURCE_RECORDS = `
  DELETE FROM source_records
   WHERE id IN (SELECT id FROM source_records WHERE request_id = :requestId LIMIT :limit)`;

const DELETE_REQUEST = `
  DELETE FROM image_processing_requests WHERE id = :requestPk AND deleted_at IS NOT NULL`;

const TOTAL_IMAGES = 'SELECT total_images FROM image_processing_requests WHERE id = :requestPk';

/**
 * The statements of a request's life after its upload: cancel, retry, delete and the retention
 * that deletes. Each change is marked on the request's row in one statement, so that it holds at
 * once for everyone; the work it implies on the images is done in bounded batches, each a
 * transaction of its own that can be done again, so that a process stopped half-way leaves work
 * that the next sweep finishes.
 */
@Injectable()
export class RequestLifecycleRepository {
  constructor(private readonly database: Database) {}

  /** Marks a running request cancelled; false when it is not running (any more). */
  async markCancelled(requestPk: number): Promise<boolean> {
    const { affected } = await this.database.statement(MARK_CANCELLED, {
      requestPk,
      now: new Date(),
    });
    return affected === 1;
  }

  /**
   * Cancels the next `limit` images of a cancelled request that were never queued, and counts
   * them; the transaction that counts the last image owes the request's finalisation. Returns
   * false when no image is left to cancel this way.
   */
  cancelNextImages(requestPk: number, limit: number): Promise<boolean> {
    return this.database.transaction(async (manager) => {
      const now = new Date();
      const { rows } = await runStatement<{ dispatched_through: number; total_images: number }>(
        manager,
        CANCELLING,
        { requestPk },
      );
      if (rows.length === 0) return false;
      const from = Number(rows[0].dispatched_through);
      const total = Number(rows[0].total_images);
      if (from >= total) return false;
      const to = Math.min(from + limit, total);
      const cancelled = (await runStatement(manager, CANCEL_IMAGES, { requestPk, from, to, now }))
        .affected;
      const counted = await runStatement<{ processed_images: number; total_images: number }>(
        manager,
        COUNT_CANCELLED,
        { requestPk, from, to, cancelled, now },
      );
      const [counts] = counted.rows;
      if (!counts) throw new Error(`Request ${requestPk} was dispatched while being cancelled`);
      if (Number(counts.processed_images) >= Number(counts.total_images)) {
        await runStatement(manager, OWE_FINALISATION, { requestPk, now });
      }
      return to < total;
    });
  }

  /** Claims a finished request for a retry: it is Processing from now on. */
  async claimRetry(requestPk: number): Promise<boolean> {
    const { affected } = await this.database.statement(CLAIM_RETRY, {
      requestPk,
      now: new Date(),
    });
    return affected === 1;
  }

  /** Puts the failed and cancelled images among ordinals `from`+1..`to` back to Pending. */
  async resetImages(requestPk: number, from: number, to: number): Promise<number> {
    const { affected } = await this.database.statement(RESET_IMAGES, { requestPk, from, to });
    return affected;
  }

  async totalImages(requestPk: number): Promise<number> {
    const { rows } = await this.database.statement<{ total_images: number }>(TOTAL_IMAGES, {
      requestPk,
    });
    return rows.length === 0 ? 0 : Number(rows[0].total_images);
  }

  /**
   * Hands a retried request, whose images are all reset, back to the dispatcher: its counters
   * lose the reset images, its webhook starts over, and it owes a finalisation at once when
   * nothing was left to do.
   */
  openRetried(requestPk: number): Promise<boolean> {
    return this.database.transaction(async (manager) => {
      const now = new Date();
      const { rows } = await runStatement<{ processed_images: number; total_images: number }>(
        manager,
        OPEN_RETRIED,
        { requestPk, now },
      );
      const [counts] = rows;
      if (!counts) return false;
      await runStatement(manager, REMOVE_WEBHOOK_ENTRY, { requestPk });
      if (Number(counts.processed_images) >= Number(counts.total_images)) {
        await runStatement(manager, OWE_FINALISATION, { requestPk, now });
      }
      return true;
    });
  }

  /** Marks a request deleted (and cancelled, if it runs); false when it was already. */
  async markDeleted(requestPk: number): Promise<boolean> {
    const { affected } = await this.database.statement(MARK_DELETED, {
      requestPk,
      now: new Date(),
    });
    return affected === 1;
  }

  /** Marks up to `limit` requests that finished before `before` deleted; returns how many. */
  async markExpired(before: Date, limit: number): Promise<number> {
    const { rows } = await this.database.statement<{ id: number }>(EXPIRED, { before, limit });
    let marked = 0;
    for (const { id } of rows) {
      const { affected } = await this.database.statement(MARK_EXPIRED, {
        requestPk: Number(id),
        before,
        now: new Date(),
      });
      marked += affected;
    }
    return marked;
  }

  /**
   * Marks deleted up to `limit` requests whose upload was stored before `before` and never
   * confirmed to its client; returns how many.
   */
  async markUnconfirmed(before: Date, limit: number): Promise<number> {
    const { rows } = await this.database.statement<{ id: number }>(UNCONFIRMED, {
      before,
      limit,
    });
    let marked = 0;
    for (const { id } of rows) {
      const { affected } = await this.database.statement(MARK_UNCONFIRMED, {
        requestPk: Number(id),
        before,
        now: new Date(),
      });
      marked += affected;
    }
    return marked;
  }

  deletedRequests(limit: number): Promise<UnfinishedChange[]> {
    return this.changes(DELETED, limit);
  }

  /** Retries claimed whose images were not all reset yet (their process may have stopped). */
  retryingRequests(limit: number): Promise<UnfinishedChange[]> {
    return this.changes(RETRYING, limit);
  }

  /** Cancelled requests with images that were never queued and are not yet cancelled. */
  cancellingRequests(limit: number): Promise<UnfinishedChange[]> {
    return this.changes(STILL_CANCELLING, limit);
  }

  /** The lowest and highest ordinal among a request's images left; null when none is. */
  imageOrdinals(requestPk: number): Promise<NumberRange | null> {
    return this.range(IMAGE_ORDINALS, requestPk);
  }

  /** Deletes the images of a deleted request numbered `from` up to, not including, `to`. */
  async deleteImages(requestPk: number, from: number, to: number): Promise<number> {
    return (await this.database.backgroundStatement(DELETE_IMAGES, { requestPk, from, to }))
      .affected;
  }

  /** The lowest and highest row number among a request's products left; null when none is. */
  productRows(requestPk: number): Promise<NumberRange | null> {
    return this.range(PRODUCT_ROWS, requestPk);
  }

  /** Deletes the products, their images gone, numbered `from` up to, not including, `to`. */
  async deleteProducts(requestPk: number, from: number, to: number): Promise<number> {
    return (await this.database.backgroundStatement(DELETE_PRODUCTS, { requestPk, from, to }))
      .affected;
  }

  /**
   * Forgets up to `limit` of the sources whose remembered result a request stored; returns how
   * many. Sources that a later request reused point at that request's copies, not at these.
   */
  async deleteSourceRecords(requestId: string, limit: number): Promise<number> {
    return (await this.database.backgroundStatement(DELETE_SOURCE_RECORDS, { requestId, limit }))
      .affected;
  }

  /**
   * Deletes the row of a deleted request whose images and products are gone, with its outbox
   * entries, webhook deliveries and idempotency keys.
   */
  removeRequest(requestPk: number): Promise<boolean> {
    return this.database.transaction(async (manager) => {
      for (const statement of DELETE_BELONGINGS) {
        await runStatement(manager, statement, { requestPk });
      }
      return (await runStatement(manager, DELETE_REQUEST, { requestPk })).affected === 1;
    });
  }

  private async range(statement: string, requestPk: number): Promise<NumberRange | null> {
    const { rows } = await this.database.statement<{ first: number | null; last: number | null }>(
      statement,
      { requestPk },
    );
    const [row] = rows;
    if (!row || row.first === null || row.last === null) return null;
    return { first: Number(row.first), last: Number(row.last) };
  }

  private async changes(statement: string, limit: number): Promise<UnfinishedChange[]> {
    const { rows } = await this.database.statement<{ id: number; request_id: string }>(statement, {
      limit,
    });
    return rows.map((row) => ({ requestPk: Number(row.id), requestId: String(row.request_id) }));
  }
}
