import { Injectable, Logger } from '@nestjs/common';
import { WebhookConfig } from '../config/config';
import { PublicLinks } from '../links/public-links';
import { MetricsService } from '../metrics/metrics.service';
import { DeliverWebhookJob } from '../queue/queue.constants';
import { ImageProcessingRequest } from '../requests/image-processing-request.entity';
import { OutboxRepository } from '../requests/outbox.repository';
import { ProductResult, RequestResults } from '../requests/request-results';
import { FinalRequestStatus, RequestStatus, WebhookStatus } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { WebhookPayload } from './webhook-payload';
import { WebhookSender } from './webhook-sender';
import { judgeWebhookAttempt, planAfter } from './webhook-verdict';

/**
 * Standard Webhooks message id: the same for every attempt, so receivers can drop repeats; a
 * retried request's end is a new message, with a new id.
 */
const webhookIdOf = (request: ImageProcessingRequest): string =>
  `msg_${request.requestId.replace(/-/g, '')}` + (request.retries > 0 ? `_${request.retries}` : '');

const EVENT_TYPES: Record<FinalRequestStatus, WebhookPayload['type']> = {
  [RequestStatus.Completed]: 'image_processing.completed',
  [RequestStatus.Failed]: 'image_processing.failed',
  [RequestStatus.Cancelled]: 'image_processing.cancelled',
};

/**
 * Delivers a finished request's webhook, one attempt per job. The database holds where the
 * delivery stands (attempts, last error, next attempt), so that a retry hours away survives
 * any restart, and the status shows it.
 */
@Injectable()
export class WebhookService {
  private readonly logger = new Logger(WebhookService.name);

  constructor(
    private readonly config: WebhookConfig,
    private readonly requests: RequestsRepository,
    private readonly results: RequestResults,
    private readonly outbox: OutboxRepository,
    private readonly sender: WebhookSender,
    private readonly metrics: MetricsService,
    private readonly links: PublicLinks,
  ) {}

  /** Makes the attempt the job names, unless it has been made already. */
  async deliver({ requestPk, attempt }: DeliverWebhookJob): Promise<void> {
    const request = await this.requests.findRequestByPk(requestPk);
    if (
      !request?.webhookUrl ||
      request.webhookStatus !== WebhookStatus.Pending ||
      request.webhookAttempts !== attempt - 1
    ) {
      return;
    }
    const url = request.webhookUrl;
    const webhookId = webhookIdOf(request);
    const payload = await this.buildPayload(request);
    const started = Date.now();
    const verdict = judgeWebhookAttempt(
      await this.sender.send(url, webhookId, payload).then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      ),
    );
    const plan = planAfter(verdict, attempt, this.config.retryDelaysMs);
    const reason = verdict.kind === 'delivered' ? null : verdict.reason;
    const recorded = await this.outbox.recordWebhookAttempt(
      {
        requestPk,
        attempt,
        webhookId,
        url,
        statusCode: verdict.statusCode,
        error: reason,
        outcome: plan.outcome,
        durationMs: Date.now() - started,
      },
      plan.done
        ? {
            status: verdict.kind === 'delivered' ? WebhookStatus.Delivered : WebhookStatus.Failed,
          }
        : {
            status: WebhookStatus.Pending,
            nextAttemptAt: new Date(Date.now() + plan.nextAttemptInMs),
          },
      reason,
    );
    if (!recorded) return;
    this.metrics.recordWebhookDelivery(plan.outcome);
    if (reason) this.logger.warn(`Webhook ${webhookId} attempt ${attempt}: ${reason}`);
  }

  async buildPayload(request: ImageProcessingRequest): Promise<WebhookPayload> {
    const { products, productCount } = await this.listedProducts(request.id);
    return {
      type: EVENT_TYPES[request.status as FinalRequestStatus] ?? 'image_processing.completed',
      timestamp: new Date().toISOString(),
      data: {
        request_id: request.requestId,
        status: request.status,
        total_images: request.totalImages,
        processed_images: request.processedImages,
        failed_images: request.failedImages,
        cancelled_images: request.cancelledImages,
        retries: request.retries,
        variants: request.variants
          ? {
              total: request.totalVariants,
              kept: request.keptVariants,
              dropped: request.processedVariants - request.keptVariants,
            }
          : null,
        output_csv_url: this.links.outputCsv(request.requestId),
        status_url: this.links.status(request.requestId),
        created_at: request.createdAt.toISOString(),
        completed_at: request.completedAt?.toISOString() ?? null,
        product_count: productCount,
        products: products.map((product) => ({
          serial_number: product.serialNumber,
          product_name: product.productName,
          input_image_urls: product.inputUrls,
          output_image_urls: product.outputUrls,
        })),
      },
    };
  }

  /** Every product when there are at most `maxProducts`; otherwise none, and their count. */
  private async listedProducts(
    requestPk: number,
  ): Promise<{ products: ProductResult[]; productCount: number }> {
    const pages = this.results.products(requestPk, this.config.maxProducts + 1);
    const first = await pages.next();
    await pages.return(undefined);
    const firstPage = first.done ? [] : first.value;
    if (firstPage.length <= this.config.maxProducts) {
      return { products: firstPage, productCount: firstPage.length };
    }
    return { products: [], productCount: await this.requests.countProducts(requestPk) };
  }
}
