import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { CsvDelimiter } from '../csv/csv-delimiter';
import { OutputCsv } from '../csv/output-csv.writer';
import { ImageReportResult, ReportCsv, ReportCsvRow } from '../csv/report-csv.writer';
import { PublicLinks } from '../links/public-links';
import { FinalRequestStatus, ImageStatus, RequestStatus } from './request-status';
import { ImageListing, RequestsRepository } from './requests.repository';

/** A product as the output shows it: its input cells and one output URL per input URL. */
export interface ProductResult {
  serialNumber: string;
  productName: string;
  /** The URL cell as uploaded (a spilled list joined back with commas). */
  inputImageUrls: string;
  inputUrls: string[];
  /** In input order; null where that image failed. */
  outputUrls: (string | null)[];
}

/** Products read from the database at a time while an output is written. */
const PRODUCTS_PER_PAGE = 1000;

/** Images read from the database at a time while a report is written. */
const IMAGES_PER_PAGE = 1000;

/**
 * Which status a request ends with: Cancelled when it was cancelled before its end, Failed only
 * when every image failed.
 */
export function finalStatusOf(request: {
  totalImages: number;
  failedImages: number;
  cancelledAt: Date | null;
}): FinalRequestStatus {
  if (request.cancelledAt) return RequestStatus.Cancelled;
  return request.failedImages === request.totalImages
    ? RequestStatus.Failed
    : RequestStatus.Completed;
}

function reportResultOf(image: ImageListing): ImageReportResult {
  switch (image.status) {
    case ImageStatus.Completed:
      return image.skipReason ? 'Source kept' : 'Compressed';
    case ImageStatus.Failed:
      return 'Failed';
    case ImageStatus.Cancelled:
      return 'Cancelled';
    case ImageStatus.Pending:
      return 'Pending';
  }
}

/** The results of a request as the status, the output CSV and the webhook show them. */
@Injectable()
export class RequestResults {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly links: PublicLinks,
  ) {}

  /**
   * What the output holds for one image: the URL of its stored file, or nothing if it failed or
   * was cancelled.
   */
  outputUrlOf(image: { status: ImageStatus; outputKey: string | null }): string | null {
    return image.status === ImageStatus.Completed && image.outputKey
      ? this.links.image(image.outputKey)
      : null;
  }

  /** Every product of a request in input order, a page at a time, with its output URLs. */
  async *products(
    requestPk: number,
    pageSize = PRODUCTS_PER_PAGE,
  ): AsyncGenerator<ProductResult[]> {
    let afterRow = 0;
    for (;;) {
      const page = await this.requests.pageProductOutcomes(requestPk, afterRow, pageSize);
      if (page.length === 0) return;
      afterRow = page[page.length - 1].rowNumber;
      yield page.map((product) => ({
        serialNumber: product.serialNumber,
        productName: product.productName,
        inputImageUrls: product.inputImageUrls,
        inputUrls: product.images.map((image) => image.inputUrl),
        outputUrls: product.images.map((image) => this.outputUrlOf(image)),
      }));
    }
  }

  /** The report CSV of a request, one row per image, written as it is read. */
  reportCsv(requestPk: number, pageSize = IMAGES_PER_PAGE): Readable {
    const requests = this.requests;
    const rowOf = (image: ImageListing) => this.reportRowOf(image);
    return Readable.from(
      (async function* () {
        yield ReportCsv.header();
        let afterOrdinal = 0;
        for (;;) {
          const page = await requests.pageImages(requestPk, afterOrdinal, pageSize);
          if (page.length === 0) return;
          afterOrdinal = page[page.length - 1].ordinal;
          yield ReportCsv.rows(page.map(rowOf));
        }
      })(),
      { objectMode: false },
    );
  }

  private reportRowOf(image: ImageListing): ReportCsvRow {
    const result = reportResultOf(image);
    return {
      serialNumber: image.serialNumber,
      productName: image.productName,
      position: image.position,
      inputUrl: image.inputUrl,
      outputUrl: this.outputUrlOf(image),
      format: image.format,
      sourceQuality: image.sourceQuality,
      targetQuality: image.targetQuality,
      bytesIn: image.bytesIn,
      bytesOut: image.bytesOut,
      score: image.score,
      result,
      details: result === 'Source kept' ? image.skipReason : image.error,
      variants: image.variants.map((variant) => ({
        format: variant.format,
        url: variant.outputKey ? this.links.image(variant.outputKey) : null,
        bytes: variant.bytes,
        score: variant.score,
        dropReason: variant.reason,
      })),
    };
  }

  /**
   * The output CSV of a request, written as it is read, in constant memory, with the cells
   * separated as the uploaded file's were.
   */
  outputCsv(request: { id: number; csvDelimiter: CsvDelimiter }): Readable {
    const results = this.products(request.id);
    const delimiter = request.csvDelimiter;
    return Readable.from(
      (async function* () {
        yield OutputCsv.header(delimiter);
        for await (const page of results) {
          yield OutputCsv.rows(
            page.map((product) => ({ ...product, outputImageUrls: product.outputUrls })),
            delimiter,
          );
        }
      })(),
      { objectMode: false },
    );
  }
}
