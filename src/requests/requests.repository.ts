import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ParsedProduct } from '../csv/products-csv.parser';
import { insertRows } from './bulk-insert';
import { ImageProcessingRequest } from './image-processing-request.entity';
import { Image } from './image.entity';
import { Product } from './product.entity';
import { ImageStatus, RequestStatus } from './request-status';

/** What a worker needs to find one image again. */
export interface ImageJobRef {
  requestId: string;
  productId: number;
  rowNumber: number;
  position: number;
}

export type ImageOutcome =
  | {
      status: ImageStatus.Completed;
      outputPath: string;
      outputUrl: string;
      bytesIn: number;
      bytesOut: number;
      format: string;
      sourceQuality: number | null;
      targetQuality: number | null;
      width: number;
      height: number;
      skipReason: string | null;
    }
  | { status: ImageStatus.Failed; error: string; bytesIn?: number | null; format?: string | null };

export type ImageWithProduct = Image & { product: Product };

export interface ProductWithImages extends Product {
  images: Image[];
}

/** Rows per INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const PRODUCT_INSERT_CHUNK = 1000;
const IMAGE_INSERT_CHUNK = 2000;

/**
 * All reads and writes of requests, products and images, named for what the service does
 * with them. Progress counters are kept on the request row so that status never has to
 * count a large request's images.
 */
@Injectable()
export class RequestsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a request with its products and images in one transaction; returns the job refs. */
  async createRequest(
    requestId: string,
    webhookUrl: string | null,
    owner: string | null,
    products: ParsedProduct[],
  ): Promise<ImageJobRef[]> {
    return this.dataSource.transaction(async (manager) => {
      const totalImages = products.reduce((sum, product) => sum + product.imageUrls.length, 0);
      const request = await manager.save(
        manager.create(ImageProcessingRequest, { requestId, webhookUrl, owner, totalImages }),
      );
      const jobs: ImageJobRef[] = [];
      for (let start = 0; start < products.length; start += PRODUCT_INSERT_CHUNK) {
        const chunk = products.slice(start, start + PRODUCT_INSERT_CHUNK);
        jobs.push(...(await this.insertProducts(manager, request, chunk)));
      }
      return jobs;
    });
  }

  private async insertProducts(
    manager: EntityManager,
    request: ImageProcessingRequest,
    chunk: ParsedProduct[],
  ): Promise<ImageJobRef[]> {
    const stored = await insertRows<{ id: number; row_number: number }>(
      manager,
      'products',
      [
        'request_id',
        'row_number',
        'line_number',
        'serial_number',
        'product_name',
        'input_image_urls',
      ],
      chunk.map((product) => [
        request.id,
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
    const images: unknown[][] = [];
    const jobs: ImageJobRef[] = [];
    for (const product of chunk) {
      const productId = idByRow.get(product.rowNumber);
      if (productId === undefined) throw new Error(`Product row ${product.rowNumber} not stored`);
      product.imageUrls.forEach((inputUrl, index) => {
        images.push([productId, request.id, index + 1, inputUrl]);
        jobs.push({
          requestId: request.requestId,
          productId,
          rowNumber: product.rowNumber,
          position: index + 1,
        });
      });
    }
    for (let start = 0; start < images.length; start += IMAGE_INSERT_CHUNK) {
      await insertRows(
        manager,
        'images',
        ['product_id', 'request_id', 'position', 'input_url'],
        images.slice(start, start + IMAGE_INSERT_CHUNK),
      );
    }
    return jobs;
  }

  async deleteRequest(requestId: string): Promise<void> {
    await this.dataSource.getRepository(ImageProcessingRequest).delete({ requestId });
  }

  findRequest(requestId: string): Promise<ImageProcessingRequest | null> {
    return this.dataSource.getRepository(ImageProcessingRequest).findOneBy({ requestId });
  }

  findRequestByPk(requestPk: number): Promise<ImageProcessingRequest | null> {
    return this.dataSource.getRepository(ImageProcessingRequest).findOneBy({ id: requestPk });
  }

  findImage(productId: number, position: number): Promise<Image | null> {
    return this.dataSource.getRepository(Image).findOneBy({ productId, position });
  }

  /** Moves a pending request to Processing; a no-op once it has moved on. */
  async markProcessing(requestPk: number): Promise<void> {
    await this.dataSource
      .getRepository(ImageProcessingRequest)
      .update(
        { id: requestPk, status: RequestStatus.Pending },
        { status: RequestStatus.Processing },
      );
  }

  /**
   * Records an image's final outcome once. The image row moves out of Pending and the
   * request's counters move in the same transaction, so a job that Bull runs twice
   * (after a stall) can neither count an image twice nor lose its count.
   * Returns false when the image had already been recorded.
   */
  async recordImageOutcome(image: Image, outcome: ImageOutcome): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.update(
        Image,
        { id: image.id, status: ImageStatus.Pending },
        { ...outcome, processedAt: new Date() },
      );
      if (result.affected !== 1) return false;
      const failed = outcome.status === ImageStatus.Failed;
      await manager
        .createQueryBuilder()
        .update(ImageProcessingRequest)
        .set({
          processedImages: () => 'processed_images + 1',
          ...(failed ? { failedImages: () => 'failed_images + 1' } : {}),
        })
        .where('id = :id', { id: image.requestPk })
        .execute();
      return true;
    });
  }

  /**
   * Writes a finished request's final status and output CSV in one conditional update, so that
   * of several workers finishing the last images at once exactly one wins. Returns false to
   * the others, and when an image still has no outcome.
   */
  async completeRequest(
    requestPk: number,
    status: RequestStatus,
    outputCsv: string,
    completedAt: Date,
  ): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ImageProcessingRequest)
      .createQueryBuilder()
      .update()
      .set({ status, outputCsv, completedAt })
      .where('id = :id', { id: requestPk })
      .andWhere('completed_at IS NULL')
      .andWhere('processed_images >= total_images')
      .execute();
    return result.affected === 1;
  }

  /** Every product of a request in input order, each with its images in URL order. */
  async productsWithImages(requestPk: number): Promise<ProductWithImages[]> {
    const products = await this.dataSource
      .getRepository(Product)
      .find({ where: { requestPk }, order: { rowNumber: 'ASC' } });
    const images = await this.dataSource
      .getRepository(Image)
      .find({ where: { requestPk }, order: { productId: 'ASC', position: 'ASC' } });
    const byProduct = new Map<number, Image[]>();
    for (const image of images) {
      const list = byProduct.get(image.productId) ?? [];
      list.push(image);
      byProduct.set(image.productId, list);
    }
    return products.map((product) => ({ ...product, images: byProduct.get(product.id) ?? [] }));
  }

  /**
   * One page of a request's images in output order, with their products. Images are inserted
   * in output order, so their ids follow it and the (request_id, id) index serves the page.
   */
  pageImages(requestPk: number, page: number, limit: number): Promise<ImageWithProduct[]> {
    return this.dataSource
      .getRepository(Image)
      .createQueryBuilder('image')
      .innerJoinAndSelect('image.product', 'product')
      .where('image.request_id = :requestPk', { requestPk })
      .orderBy('image.id', 'ASC')
      .offset((page - 1) * limit)
      .limit(limit)
      .getMany() as Promise<ImageWithProduct[]>;
  }
}
