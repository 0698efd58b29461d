import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { startJobWorker } from '../queue/job-worker';
import { DELIVER_WEBHOOK_JOB, DeliverWebhookJob, WEBHOOKS_QUEUE } from '../queue/queue.constants';
import { WebhookService } from './webhook.service';

const WEBHOOK_CONCURRENCY = 4;

/**
 * Consumes the webhooks queue, one delivery attempt per job. Retries are not Bull's: the next
 * attempt is written to the outbox with its time, and the relay queues it when it is due.
 */
@Injectable()
export class WebhookProcessor implements OnModuleInit {
  private readonly logger = new Logger(WebhookProcessor.name);

  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhookJob>,
    private readonly webhooks: WebhookService,
  ) {}

  onModuleInit(): void {
    startJobWorker(
      this.queue,
      DELIVER_WEBHOOK_JOB,
      WEBHOOK_CONCURRENCY,
      (job: Job<DeliverWebhookJob>) => this.webhooks.deliver(job.data),
      this.logger,
    );
  }
}
