import { Injectable } from '@nestjs/common';
import { parseVariantList } from '../common/variant-formats';
import { PublicLinks } from '../links/public-links';
import { ImageProcessingRequest } from '../requests/image-processing-request.entity';
import { RequestSummaryDto } from './dto/status-response.dto';

/**
 * What a request looks like without its images, built from its row alone: the status page, the
 * progress events and the request list all show it, so they cannot tell different stories.
 */
@Injectable()
export class RequestSummaries {
  constructor(private readonly links: PublicLinks) {}

  of(request: ImageProcessingRequest): RequestSummaryDto {
    const { totalImages, processedImages, failedImages, cancelledImages } = request;
    return {
      request_id: request.requestId,
      status: request.status,
      file_name: request.fileName,
      progress: {
        total: totalImages,
        processed: processedImages,
        succeeded: processedImages - failedImages - cancelledImages,
        failed: failedImages,
        cancelled: cancelledImages,
        pending: totalImages - processedImages,
        reused: request.reusedImages,
        percent: totalImages === 0 ? 100 : Math.round((processedImages / totalImages) * 1000) / 10,
      },
      retries: request.retries,
      cancelled_at: request.cancelledAt?.toISOString() ?? null,
      scores:
        request.scoredImages > 0 && request.minScore !== null
          ? {
              scored: request.scoredImages,
              mean: Number((request.scoreSum / request.scoredImages).toFixed(4)),
              min: request.minScore,
            }
          : null,
      variants: request.variants
        ? {
            formats: parseVariantList(request.variants) ?? [],
            total: request.totalVariants,
            processed: request.processedVariants,
            kept: request.keptVariants,
            dropped: request.processedVariants - request.keptVariants,
          }
        : null,
      output_csv_url: request.completedAt ? this.links.outputCsv(request.requestId) : null,
      report_csv_url: request.completedAt ? this.links.reportCsv(request.requestId) : null,
      webhook_url: request.webhookUrl,
      webhook: request.webhookUrl
        ? {
            url: request.webhookUrl,
            status: request.webhookStatus,
            attempts: request.webhookAttempts,
            last_error: request.webhookLastError,
            next_attempt_at: request.webhookNextAttemptAt?.toISOString() ?? null,
          }
        : null,
      created_at: request.createdAt.toISOString(),
      updated_at: request.updatedAt.toISOString(),
      completed_at: request.completedAt?.toISOString() ?? null,
    };
  }
}
