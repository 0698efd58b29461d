import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bull';
import { Repository } from 'typeorm';
import { WebhookConfig } from '../config/config';
import {
  DELIVER_WEBHOOK_JOB,
  DeliverWebhookJob,
  deliverWebhookJobId,
  WEBHOOKS_QUEUE,
} from '../queue/queue.constants';
import { ImageProcessingRequest } from '../requests/image-processing-request.entity';
import { PublicLinks } from '../links/public-links';
import { MetricsService } from '../metrics/metrics.service';
import { RequestResults } from '../requests/request-results';
import { RequestStatus } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { WebhookDelivery, WebhookOutcome } from './webhook-delivery.entity';
import { WebhookPayload } from './webhook-payload';
import { PermanentWebhookError, RetryableWebhookError } from './webhook-errors';
import { WEBHOOK_BACKOFF } from './webhook-retry-schedule';
import { WebhookSender } from './webhook-sender';
import { judgeWebhookAttempt, recordedOutcome } from './webhook-verdict';

@Injectable()
export class WebhookService {
  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhookJob>,
    private readonly config: WebhookConfig,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly requests: RequestsRepository,
    private readonly results: RequestResults,
    private readonly sender: WebhookSender,
    private readonly metrics: MetricsService,
    private readonly links: PublicLinks,
  ) {}

  async enqueue(requestId: string): Promise<void> {
    await this.queue.add(
      DELIVER_WEBHOOK_JOB,
      { requestId, webhookId: `msg_${requestId.replace(/-/g, '')}` },
      {
        jobId: deliverWebhookJobId(requestId),
        attempts: this.config.retryDelaysMs.length + 1,
        backoff: { type: WEBHOOK_BACKOFF },
      },
    );
  }

  /** One delivery attempt, recorded whatever its outcome; throws when it did not succeed. */
  async deliver(job: DeliverWebhookJob, attempt: number, finalAttempt: boolean): Promise<void> {
    const request = await this.requests.findRequest(job.requestId);
    if (!request?.webhookUrl) return;
    const url = request.webhookUrl;
    const payload = await this.buildPayload(request);
    const started = Date.now();
    const record = (outcome: WebhookOutcome, statusCode: number | null, error: string | null) =>
      this.deliveries.insert({
        requestPk: request.id,
        webhookId: job.webhookId,
        attempt,
        url,
        statusCode,
        error,
        outcome,
        durationMs: Date.now() - started,
      });
    const verdict = judgeWebhookAttempt(
      await this.sender.send(url, job.webhookId, payload).then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      ),
    );
    const reason = verdict.kind === 'delivered' ? null : verdict.reason;
    const outcome = recordedOutcome(verdict, finalAttempt);
    await record(outcome, verdict.statusCode, reason);
    this.metrics.recordWebhookDelivery(outcome);
    switch (verdict.kind) {
      case 'delivered':
        return;
      case 'retry':
        throw new RetryableWebhookError(verdict.reason, verdict.retryAfterMs);
      case 'give-up':
        throw new PermanentWebhookError(verdict.reason);
    }
  }

  async buildPayload(request: ImageProcessingRequest): Promise<WebhookPayload> {
    const products = await this.results.products(request.id);
    return {
      type:
        request.status === RequestStatus.Failed
          ? 'image_processing.failed'
          : 'image_processing.completed',
      timestamp: new Date().toISOString(),
      data: {
        request_id: request.requestId,
        status: request.status,
        total_images: request.totalImages,
        processed_images: request.processedImages,
        failed_images: request.failedImages,
        output_csv_url: this.links.outputCsv(request.requestId),
        status_url: this.links.status(request.requestId),
        created_at: request.createdAt.toISOString(),
        completed_at: request.completedAt?.toISOString() ?? null,
        products: products.map((product) => ({
          serial_number: product.serialNumber,
          product_name: product.productName,
          input_image_urls: product.inputUrls,
          output_image_urls: product.outputUrls,
        })),
      },
    };
  }
}
