import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { ImageProcessingRequest } from '../requests/image-processing-request.entity';
import { PublicLinks } from '../links/public-links';
import { RequestsRepository } from '../requests/requests.repository';
import { StatusQueryDto } from './dto/status-query.dto';
import { StatusResponseDto } from './dto/status-response.dto';

/** Progress comes from the request row's counters; only one page of images is read. */
@Injectable()
export class StatusService {
  constructor(
    private readonly requests: RequestsRepository,
    private readonly links: PublicLinks,
  ) {}

  async status(requestId: string, query: StatusQueryDto): Promise<StatusResponseDto> {
    const request = await this.find(requestId);
    const items = await this.requests.pageImages(request.id, query.page, query.limit);
    const { totalImages, processedImages, failedImages } = request;
    return {
      request_id: request.requestId,
      status: request.status,
      progress: {
        total: totalImages,
        processed: processedImages,
        succeeded: processedImages - failedImages,
        failed: failedImages,
        pending: totalImages - processedImages,
        percent: totalImages === 0 ? 100 : Math.round((processedImages / totalImages) * 1000) / 10,
      },
      output_csv_url: request.completedAt ? this.links.outputCsv(request.requestId) : null,
      webhook_url: request.webhookUrl,
      created_at: request.createdAt.toISOString(),
      updated_at: request.updatedAt.toISOString(),
      completed_at: request.completedAt?.toISOString() ?? null,
      images: {
        page: query.page,
        limit: query.limit,
        total: request.totalImages,
        items: items.map((image) => ({
          row: image.product.rowNumber,
          serial_number: image.product.serialNumber,
          product_name: image.product.productName,
          position: image.position,
          input_url: image.inputUrl,
          status: image.status,
          output_url: image.outputUrl,
          error: image.error,
          format: image.format,
          source_quality: image.sourceQuality,
          target_quality: image.targetQuality,
          bytes_in: image.bytesIn,
          bytes_out: image.bytesOut,
          width: image.width,
          height: image.height,
          skip_reason: image.skipReason,
        })),
      },
    };
  }

  async outputCsv(requestId: string): Promise<string> {
    const request = await this.find(requestId);
    if (request.outputCsv === null) {
      throw new ConflictException(
        `Request ${requestId} is ${request.status}; the output CSV is ready once it has finished`,
      );
    }
    return request.outputCsv;
  }

  private async find(requestId: string): Promise<ImageProcessingRequest> {
    const request = await this.requests.findRequest(requestId);
    if (!request) throw new NotFoundException(`No request with id ${requestId}`);
    return request;
  }
}
