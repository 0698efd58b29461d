import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AxiosError } from 'axios';
import { Queue } from 'bull';
import { Repository } from 'typeorm';
import { UNSAFE_ADDRESS_CODE } from '../network/guarded-agent';
import { WebhookConfig } from '../config/config';
import {
  DELIVER_WEBHOOK_JOB,
  DeliverWebhookJob,
  deliverWebhookJobId,
  WEBHOOKS_QUEUE,
} from '../queue/queue.constants';
import { ImageProcessingRequest } from '../requests/image-processing-request.entity';
import { PublicUrls } from '../requests/public-urls';
import { ImageStatus, RequestStatus } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { WebhookDelivery, WebhookOutcome } from './webhook-delivery.entity';
import { WebhookPayload } from './webhook-payload';
import { PermanentWebhookError, RetryableWebhookError } from './webhook-errors';
import { WEBHOOK_BACKOFF } from './webhook-retry-schedule';
import { WebhookSender } from './webhook-sender';

const RETRYABLE_STATUS = new Set([408, 429]);

@Injectable()
export class WebhookService {
  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhookJob>,
    private readonly config: WebhookConfig,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly requests: RequestsRepository,
    private readonly sender: WebhookSender,
    private readonly urls: PublicUrls,
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
        requestId: request.id,
        webhookId: job.webhookId,
        attempt,
        url,
        statusCode,
        error,
        outcome,
        durationMs: Date.now() - started,
      });
    const failedOutcome = finalAttempt ? WebhookOutcome.Failed : WebhookOutcome.Retrying;

    let response;
    try {
      response = await this.sender.send(url, job.webhookId, payload);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // The SSRF guard refused the receiver's address: no retry will change that.
      if (error instanceof AxiosError && error.code === UNSAFE_ADDRESS_CODE) {
        await record(WebhookOutcome.Failed, null, message);
        throw new PermanentWebhookError(message);
      }
      await record(failedOutcome, null, message);
      throw new RetryableWebhookError(message);
    }
    const { statusCode, retryAfterMs } = response;
    if (statusCode >= 200 && statusCode < 300) {
      await record(WebhookOutcome.Delivered, statusCode, null);
      return;
    }
    const message = `Receiver answered HTTP ${statusCode}`;
    if (statusCode >= 500 || RETRYABLE_STATUS.has(statusCode)) {
      await record(failedOutcome, statusCode, message);
      throw new RetryableWebhookError(message, retryAfterMs);
    }
    await record(WebhookOutcome.Failed, statusCode, message);
    throw new PermanentWebhookError(message);
  }

  async buildPayload(request: ImageProcessingRequest): Promise<WebhookPayload> {
    const products = await this.requests.productsWithImages(request.id);
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
        output_csv_url: this.urls.outputCsv(request.requestId),
        status_url: this.urls.status(request.requestId),
        created_at: request.createdAt.toISOString(),
        completed_at: request.completedAt?.toISOString() ?? null,
        products: products.map((product) => ({
          serial_number: product.serialNumber,
          product_name: product.productName,
          input_image_urls: product.images.map((image) => image.inputUrl),
          output_image_urls: product.images.map((image) =>
            image.status === ImageStatus.Completed ? image.outputUrl : null,
          ),
        })),
      },
    };
  }
}
