import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Readable } from 'node:stream';
import { StatusConfig } from '../config/config';
import { jsonByteBound } from '../common/json-byte-bound';
import { VariantFormat } from '../common/variant-formats';
import { PublicLinks } from '../links/public-links';
import { ImageProcessingRequest } from '../requests/image-processing-request.entity';
import { RequestResults } from '../requests/request-results';
import { ImageListing, RequestsRepository } from '../requests/requests.repository';
import { ObjectDownload, ObjectDownloads } from '../storage/object-downloads';
import { StorageKeys } from '../storage/storage-keys';
import { StatusQueryDto } from './dto/status-query.dto';
import { ImageResultDto, RequestSummaryDto, StatusResponseDto } from './dto/status-response.dto';
import { RequestSummaries } from './request-summaries';

/** Progress comes from the request row's counters; only one page of images is read. */
@Injectable()
export class StatusService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly results: RequestResults,
    private readonly downloads: ObjectDownloads,
    private readonly links: PublicLinks,
    private readonly summaries: RequestSummaries,
    private readonly config: StatusConfig,
  ) {}

  async status(requestId: string, query: StatusQueryDto): Promise<StatusResponseDto> {
    const request = await this.find(requestId);
    const after = query.after ?? (query.page - 1) * query.limit;
    const listed = await this.requests.pageImages(request.id, after, query.limit);
    const items = this.withinBudget(listed.map((image) => this.imageResult(image)));
    const last = items.at(-1)?.ordinal ?? after;
    const total = request.totalImages;
    return {
      ...this.summaries.of(request),
      images: {
        page: query.page,
        limit: query.limit,
        total,
        items,
        next:
          last < total && items.length > 0
            ? `${this.links.status(request.requestId)}?after=${last}&limit=${query.limit}`
            : null,
      },
    };
  }

  /** The request without its images, read from its row alone. */
  async summary(requestId: string): Promise<RequestSummaryDto> {
    return this.summaries.of(await this.find(requestId));
  }

  /**
   * The output CSV as stored (its bytes, or a redirect to them); built again from the database
   * and streamed if storage has lost it.
   */
  async outputCsv(requestId: string, contentDisposition: string): Promise<ObjectDownload> {
    const request = await this.find(requestId);
    if (!request.completedAt) {
      throw new ConflictException(
        `Request ${requestId} is ${request.status}; the output CSV is ready once it has finished`,
      );
    }
    const key = StorageKeys.outputCsv(requestId);
    const stored = await this.downloads.download(key, contentDisposition);
    if (stored) return stored;
    return { kind: 'stream', stream: this.results.outputCsv(request), size: undefined };
  }

  /** The report CSV, built from the database as it is streamed, once the request has finished. */
  async reportCsv(requestId: string): Promise<Readable> {
    const request = await this.find(requestId);
    if (!request.completedAt) {
      throw new ConflictException(
        `Request ${requestId} is ${request.status}; the report is ready once it has finished`,
      );
    }
    return this.results.reportCsv(request.id);
  }

  private imageResult(image: ImageListing): ImageResultDto {
    return {
      ordinal: image.ordinal,
      row: image.rowNumber,
      serial_number: image.serialNumber,
      product_name: image.productName,
      position: image.position,
      input_url: image.inputUrl,
      status: image.status,
      output_url: this.results.outputUrlOf(image),
      error: image.error,
      attempts: image.attempts,
      reused_from: image.reusedFrom
        ? { row: image.reusedFrom.rowNumber, position: image.reusedFrom.position }
        : null,
      reuse: image.reuse ? { reason: image.reuse.reason, request_id: image.reuse.requestId } : null,
      format: image.format,
      source_quality: image.sourceQuality,
      target_quality: image.targetQuality,
      bytes_in: image.bytesIn,
      bytes_out: image.bytesOut,
      width: image.width,
      height: image.height,
      skip_reason: image.skipReason,
      score: image.score,
      variants: image.variants.map((variant) => ({
        format: variant.format as VariantFormat,
        status: variant.status,
        url: variant.outputKey ? this.links.image(variant.outputKey) : null,
        bytes: variant.bytes,
        quality: variant.quality,
        score: variant.score,
        reason: variant.reason,
      })),
    };
  }

  /**
   * As many items as fit the page's byte budget, at least one: however long the fields of a
   * request, a status answer stays small, and `next` goes on from where it stopped.
   */
  private withinBudget(items: ImageResultDto[]): ImageResultDto[] {
    // A page of ordinary images fits by far, as an upper bound read from its strings' lengths
    // shows without serialising it, once more than Express will.
    if (jsonByteBound(items) <= this.config.maxPageBytes) return items;
    // The list as JSON: its brackets, each item, and a comma before every item but the first.
    let bytes = 2;
    for (const [index, item] of items.entries()) {
      bytes += Buffer.byteLength(JSON.stringify(item)) + (index > 0 ? 1 : 0);
      if (bytes > this.config.maxPageBytes && index > 0) return items.slice(0, index);
    }
    return items;
  }

  private async find(requestId: string): Promise<ImageProcessingRequest> {
    const request = await this.requests.findRequest(requestId);
    if (!request) throw new NotFoundException(`No request with id ${requestId}`);
    return request;
  }
}
