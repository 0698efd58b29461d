import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { queueConfig, QueueConfig, webhookConfig, WebhookConfig } from '../config/configuration';
import { WEBHOOK_BACKOFF, webhookBackoff } from '../webhook/webhook-retry-schedule';
import { IMAGES_QUEUE, WEBHOOKS_QUEUE } from './queue.constants';

const DAY_IN_SECONDS = 24 * 60 * 60;

@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [queueConfig.KEY, webhookConfig.KEY],
      useFactory: (config: QueueConfig, webhooks: WebhookConfig) => ({
        url: config.redisUrl,
        prefix: config.prefix,
        settings: {
          lockDuration: config.lockDurationMs,
          stalledInterval: config.stalledIntervalMs,
          maxStalledCount: 2,
          backoffStrategies: { [WEBHOOK_BACKOFF]: webhookBackoff(webhooks.retryDelaysMs) },
        },
        defaultJobOptions: {
          removeOnComplete: { age: DAY_IN_SECONDS, count: config.keepFinishedJobs },
          removeOnFail: { age: 7 * DAY_IN_SECONDS, count: config.keepFinishedJobs },
        },
      }),
    }),
    BullModule.registerQueue({ name: IMAGES_QUEUE }, { name: WEBHOOKS_QUEUE }),
  ],
  exports: [BullModule],
})
export class QueueModule {}
