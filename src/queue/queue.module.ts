import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { queueConfig, QueueConfig } from '../config/configuration';
import { IMAGES_QUEUE, WEBHOOKS_QUEUE } from './queue.constants';

const DAY_IN_SECONDS = 24 * 60 * 60;

@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [queueConfig.KEY],
      useFactory: (config: QueueConfig) => ({
        url: config.redisUrl,
        prefix: config.prefix,
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
