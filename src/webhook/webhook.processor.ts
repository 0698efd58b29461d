import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { DELIVER_WEBHOOK_JOB, DeliverWebhookJob, WEBHOOKS_QUEUE } from '../queue/queue.constants';
import { PermanentWebhookError } from './webhook-errors';
import { WebhookService } from './webhook.service';

const WEBHOOK_CONCURRENCY = 4;

/** Consumes the webhooks queue; Bull retries failed deliveries with backoff. */
@Injectable()
export class WebhookProcessor implements OnModuleInit {
  private readonly logger = new Logger(WebhookProcessor.name);

  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhookJob>,
    private readonly webhooks: WebhookService,
  ) {}

  onModuleInit(): void {
    this.queue
      .process(DELIVER_WEBHOOK_JOB, WEBHOOK_CONCURRENCY, (job) => this.handle(job))
      .catch((error: unknown) => this.logger.error(`Webhook worker stopped: ${String(error)}`));
  }

  private async handle(job: Job<DeliverWebhookJob>): Promise<void> {
    const attempt = job.attemptsMade + 1;
    try {
      await this.webhooks.deliver(job.data, attempt, attempt >= (job.opts.attempts ?? 1));
    } catch (error) {
      if (error instanceof PermanentWebhookError) await job.discard();
      this.logger.warn(`Webhook ${job.data.webhookId} attempt ${attempt}: ${String(error)}`);
      throw error;
    }
  }
}
