import { Injectable } from '@nestjs/common';
import { Database } from './database';
import { EntityManager, IsNull } from 'typeorm';
import type { CsvDelimiter } from '../csv/csv-delimiter';
import { ParsedProduct } from '../csv/product-rows';
import { insertRows } from './bulk-insert';
import { ImageProcessingRequest } from './image-processing-request.entity';
import { ImageReuse } from './image-outcome';
import { ImageVariantsRepository, VariantListing } from './image-variants.repository';
import { Product } from './product.entity';
import { ImageStatus, RequestStatus, ReuseReason } from './request-status';
import { entityFromRow, runStatement } from './sql-statements';
import { urlHash } from './url-hash';

export interface NewRequest {
  requestId: string;
  webhookUrl: string | null;
  owner: string | null;
  totalImages: number;
  fileName: string | null;
  csvDelimiter: CsvDelimiter;
  /** Processes every image afresh, reusing no earlier request's result. */
  refresh: boolean;
  /** The modern formats each image gets a variant in, as `variantListText` writes them. */
  variants: string;
}

/**
 * More work of the transaction that stores a request, run once the request row exists and
 * before its products; throwing rolls the whole request back.
 */
export type WithNewRequest = (manager: EntityManager, requestPk: number) => Promise<void>;

/** One image of a status page, with what the page shows of its product. */
export interface ImageListing {
  ordinal: number;
  rowNumber: number;
  serialNumber: string;
  productName: string;
  position: number;
  inputUrl: string;
  status: ImageStatus;
  outputKey: string | null;
  error: string | null;
  attempts: number;
  format: string | null;
  sourceQuality: number | null;
  targetQuality: number | null;
  bytesIn: number | null;
  bytesOut: number | null;
  width: number | null;
  height: number | null;
  skipReason: string | null;
  score: number | null;
  /** Row and position of the image whose result this one reuses. */
  reusedFrom: { rowNumber: number; position: number } | null;
  /** Where the result was copied from, when an earlier request's was reused. */
  reuse: ImageReuse | null;
  /** Its WebP and AVIF variants (those of the image it shares its result with). */
  variants: VariantListing[];
}

/** A product with its images' outcomes, in URL order, as the output shows them. */
export interface ProductOutcomes {
  rowNumber: number;
  serialNumber: string;
  productName: string;
  inputImageUrls: string;
  images: { inputUrl: string; status: ImageStatus; outputKey: string | null }[];
}

/**
 * The statements a status read runs are written out, not built: a status page is the hottest
 * read, and a query builder would spend more time building them than the database running them.
 */
const FIND_REQUEST =
  'SELECT * FROM image_processing_requests WHERE request_id = :requestId AND deleted_at IS NULL';
const FIND_OWNER =
  'SELECT owner FROM image_processing_requests WHERE request_id = :requestId AND deleted_at IS NULL';
const IS_LIVE =
  'SELECT 1 AS live FROM image_processing_requests WHERE id = :requestPk AND deleted_at IS NULL';
const PAGE_IMAGES = `
  SELECT i.ordinal AS ordinal, p.row_number AS row_number, p.serial_number AS serial_number,
         p.product_name AS product_name, i.position AS position, i.input_url AS input_url,
         i.status AS status, i.output_key AS output_key, i.error AS error,
         i.attempts AS attempts, i.format AS format, i.source_quality AS source_quality,
         i.target_quality AS target_quality, i.bytes_in AS bytes_in, i.bytes_out AS bytes_out,
         i.width AS width, i.height AS height, i.skip_reason AS skip_reason,
         i.score AS score, i.reuse_reason AS reuse_reason,
         i.reuse_request_id AS reuse_request_id,
         COALESCE(i.reused_from, i.id) AS compressed_id,
         rp.row_number AS reused_row, r.position AS reused_position
    FROM images i
    JOIN products p ON p.id = i.product_id
    LEFT JOIN images r ON r.id = i.reused_from
    LEFT JOIN products rp ON rp.id = r.product_id
   WHERE i.request_pk = :requestPk AND i.ordinal > :afterOrdinal AND i.ordinal <= :lastOrdinal
   ORDER BY i.ordinal
   LIMIT :limit`;

/**
 * Marks the images of a request whose URL another of its images has too (or one with the same
 * hash): only they are indexed by URL hash, and only they are looked up by it. One sort of the
 * request's hashes, run once its images are all stored.
 */
const MARK_SHARED_URLS = `
  UPDATE images SET shares_url = TRUE
   WHERE request_pk = :requestPk AND url_hash IN (
     SELECT url_hash FROM images WHERE request_pk = :requestPk
      GROUP BY url_hash HAVING COUNT(*) > 1)`;

/** Rows per INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const IMAGE_INSERT_CHUNK = 2000;

/**
 * The requests, their products and their images: stored once at upload, then read for status
 * pages and outputs. Progress counters live on the request row, so that a status never has to
 * count a large request's images, and every list is read a page at a time by index.
 */
@Injectable()
export class RequestsRepository {
  constructor(
    private readonly database: Database,
    private readonly variants: ImageVariantsRepository,
  ) {}

  /**
   * Records that the upload's `202` was handed to the socket, so that the request may be
   * processed; false when it was confirmed already or is gone.
   */
  async confirm(requestId: string): Promise<boolean> {
    const { affected } = await this.database.run((manager) =>
      manager
        .createQueryBuilder()
        .update(ImageProcessingRequest)
        .set({ unconfirmedSince: null })
        .where('request_id = :requestId AND unconfirmed_since IS NOT NULL', { requestId })
        .execute(),
    );
    return affected === 1;
  }

  /**
   * Stores a request with every product and image in one transaction, so that it exists
   * whole or not at all. Products arrive in batches, in file order; images are numbered in
   * output order (`ordinal`) as they go. Returns the request's primary key.
   *
   * `withRequest` runs in the same transaction before the products, so that what it writes
   * and the request exist together or not at all.
   */
  createRequest(
    request: NewRequest,
    products: AsyncIterable<ParsedProduct[]>,
    withRequest?: WithNewRequest,
  ): Promise<number> {
    return this.database.transaction(async (manager) => {
      const now = new Date();
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(ImageProcessingRequest)
        .values({
          ...request,
          status: RequestStatus.Pending,
          createdAt: now,
          updatedAt: now,
          unconfirmedSince: now,
        })
        .execute();
      const requestPk = (inserted.identifiers[0] as { id: number }).id;
      await withRequest?.(manager, requestPk);
      let ordinal = 0;
      for await (const batch of products) {
        ordinal = await this.insertProducts(manager, requestPk, batch, ordinal);
      }
      await runStatement(manager, MARK_SHARED_URLS, { requestPk });
      return requestPk;
    });
  }

  /** Inserts a batch of products and their images; returns the last ordinal used. */
  private async insertProducts(
    manager: EntityManager,
    requestPk: number,
    batch: ParsedProduct[],
    lastOrdinal: number,
  ): Promise<number> {
    const stored = await insertRows<{ id: number; row_number: number }>(
      manager,
      'products',
      [
        'request_pk',
        'row_number',
        'line_number',
        'serial_number',
        'product_name',
        'input_image_urls',
      ],
      batch.map((product) => [
        requestPk,
        product.rowNumber,
        product.lineNumber,
        product.serialNumber,
        product.productName,
        product.inputImageUrls,
      ]),
      ['id', 'row_number'],
    );
    // RETURNING promises no order, so products are matched by their row number.
    const idByRow = new Map(stored.map((product) => [product.row_number, product.id]));
    let ordinal = lastOrdinal;
    const images: unknown[][] = [];
    for (const product of batch) {
      const productId = idByRow.get(product.rowNumber);
      if (productId === undefined) throw new Error(`Product row ${product.rowNumber} not stored`);
      product.imageUrls.forEach((inputUrl, index) => {
        images.push([productId, requestPk, ++ordinal, index + 1, inputUrl, urlHash(inputUrl)]);
      });
    }
    for (let start = 0; start < images.length; start += IMAGE_INSERT_CHUNK) {
      await insertRows(
        manager,
        'images',
        ['product_id', 'request_pk', 'ordinal', 'position', 'input_url', 'url_hash'],
        images.slice(start, start + IMAGE_INSERT_CHUNK),
      );
    }
    return ordinal;
  }

  async findRequest(requestId: string): Promise<ImageProcessingRequest | null> {
    return this.database.run(async (manager) => {
      const { rows } = await runStatement(manager, FIND_REQUEST, { requestId });
      return rows.length === 0 ? null : entityFromRow(manager, ImageProcessingRequest, rows[0]);
    });
  }

  findRequestByPk(requestPk: number): Promise<ImageProcessingRequest | null> {
    return this.database.run((manager) =>
      manager
        .getRepository(ImageProcessingRequest)
        .findOneBy({ id: requestPk, deletedAt: IsNull() }),
    );
  }

  /**
   * Whether a request still exists for its users: neither deleted nor removed. Whoever stores an
   * object of a request asks after storing it, so that a deletion that began meanwhile (and may
   * have listed the request's objects before this one was there) leaves nothing behind.
   */
  async isLive(requestPk: number): Promise<boolean> {
    const { rows } = await this.database.statement(IS_LIVE, { requestPk });
    return rows.length > 0;
  }

  /** Whether a request with this id exists and is not deleted. */
  async exists(requestId: string): Promise<boolean> {
    return (await this.findOwner(requestId)) !== undefined;
  }

  async countProducts(requestPk: number): Promise<number> {
    return this.database.run((manager) => manager.getRepository(Product).countBy({ requestPk }));
  }

  /** The owner of a request, or undefined when there is no such request. */
  async findOwner(requestId: string): Promise<string | null | undefined> {
    const { rows } = await this.database.statement<{ owner: string | null }>(FIND_OWNER, {
      requestId,
    });
    return rows.length === 0 ? undefined : rows[0].owner;
  }

  /**
   * Up to `limit` requests, newest first, older than the request with primary key `beforePk`
   * when given: of one owner, or of everyone when `owner` is null. One range of the
   * (owner, id) index, or of the primary key, however many requests there are.
   */
  recentRequests(
    owner: string | null,
    beforePk: number | null,
    limit: number,
  ): Promise<ImageProcessingRequest[]> {
    return this.database.run((manager) => {
      const query = manager
        .getRepository(ImageProcessingRequest)
        .createQueryBuilder('r')
        .where('r.deleted_at IS NULL')
        .orderBy('r.id', 'DESC')
        .limit(limit);
      if (owner !== null) query.andWhere('r.owner = :owner', { owner });
      if (beforePk !== null) query.andWhere('r.id < :beforePk', { beforePk });
      return query.getMany();
    });
  }

  /**
   * Up to `limit` images in output order after `afterOrdinal`, with their products: one range
   * of the (request, ordinal) index, however far into a large request the page is. Ordinals run
   * from 1 without gaps, so the range is bounded at both ends: a planner with stale statistics
   * cannot mistake it for the rest of the request, to be read whole and sorted.
   */
  async pageImages(
    requestPk: number,
    afterOrdinal: number,
    limit: number,
  ): Promise<ImageListing[]> {
    const { rows } = await this.database.statement<Record<string, string | number | null>>(
      PAGE_IMAGES,
      { requestPk, afterOrdinal, lastOrdinal: afterOrdinal + limit, limit },
    );
    const completed = rows.filter((row) => row.status === ImageStatus.Completed);
    const variants = await this.variants.ofImages(
      completed.map((row) => Number(row.compressed_id)),
    );
    return rows.map((row) => ({
      ordinal: Number(row.ordinal),
      rowNumber: Number(row.row_number),
      serialNumber: String(row.serial_number),
      productName: String(row.product_name),
      position: Number(row.position),
      inputUrl: String(row.input_url),
      status: row.status as ImageStatus,
      outputKey: row.output_key === null ? null : String(row.output_key),
      error: row.error === null ? null : String(row.error),
      attempts: Number(row.attempts),
      format: row.format === null ? null : String(row.format),
      sourceQuality: nullableNumber(row.source_quality),
      targetQuality: nullableNumber(row.target_quality),
      bytesIn: nullableNumber(row.bytes_in),
      bytesOut: nullableNumber(row.bytes_out),
      width: nullableNumber(row.width),
      height: nullableNumber(row.height),
      skipReason: row.skip_reason === null ? null : String(row.skip_reason),
      score: nullableNumber(row.score),
      reusedFrom:
        row.reused_row === null
          ? null
          : { rowNumber: Number(row.reused_row), position: Number(row.reused_position) },
      reuse:
        row.reuse_reason === null || row.reuse_request_id === null
          ? null
          : {
              reason: row.reuse_reason as ReuseReason,
              requestId: String(row.reuse_request_id),
            },
      variants:
        row.status === ImageStatus.Completed ? (variants.get(Number(row.compressed_id)) ?? []) : [],
    }));
  }

  /**
   * Up to `limit` products after row `afterRow`, in input order, each with its images in URL
   * order: one page of a request's output. Row numbers run from 1 without gaps, so the page is a
   * range bounded at both ends, as in `pageImages`.
   */
  async pageProductOutcomes(
    requestPk: number,
    afterRow: number,
    limit: number,
  ): Promise<ProductOutcomes[]> {
    const products = await this.database.run((manager) =>
      manager
        .createQueryBuilder()
        .select([
          'p.id AS id',
          'p.row_number AS row_number',
          'p.serial_number AS serial_number',
          'p.product_name AS product_name',
          'p.input_image_urls AS input_image_urls',
        ])
        .from('products', 'p')
        .where('p.request_pk = :requestPk', { requestPk })
        .andWhere('p.row_number > :afterRow', { afterRow })
        .andWhere('p.row_number <= :lastRow', { lastRow: afterRow + limit })
        .orderBy('p.row_number', 'ASC')
        .limit(limit)
        .getRawMany<Record<string, string | number>>(),
    );
    if (products.length === 0) return [];
    const images = await this.database.run((manager) =>
      manager
        .createQueryBuilder()
        .select([
          'i.product_id AS product_id',
          'i.input_url AS input_url',
          'i.status AS status',
          'i.output_key AS output_key',
        ])
        .from('images', 'i')
        .where('i.product_id IN (:...ids)', { ids: products.map((product) => product.id) })
        .orderBy('i.product_id', 'ASC')
        .addOrderBy('i.position', 'ASC')
        .getRawMany<Record<string, string | number | null>>(),
    );
    const byProduct = new Map<number, ProductOutcomes['images']>();
    for (const image of images) {
      const productId = Number(image.product_id);
      const list = byProduct.get(productId) ?? [];
      list.push({
        inputUrl: String(image.input_url),
        status: image.status as ImageStatus,
        outputKey: image.output_key === null ? null : String(image.output_key),
      });
      byProduct.set(productId, list);
    }
    return products.map((product) => ({
      rowNumber: Number(product.row_number),
      serialNumber: String(product.serial_number),
      productName: String(product.product_name),
      inputImageUrls: String(product.input_image_urls),
      images: byProduct.get(Number(product.id)) ?? [],
    }));
  }
}

function nullableNumber(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}
