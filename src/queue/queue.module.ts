import { BullModule } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { AdvancedSettings } from 'bull';
import { QueueConfig } from '../config/config';
import { QUEUE_NAMES } from './queue.constants';

const DAY_IN_SECONDS = 24 * 60 * 60;

export interface QueueRootOptions {
  /** Custom strategies that jobs name in their `backoff` option. */
  backoffStrategies: AdvancedSettings['backoffStrategies'];
}

/**
 * Every queue, registered once. `forRoot` opens the Redis connection settings for the whole
 * app; feature modules import `QueueModule` for the queues themselves.
 */
@Module({
  imports: [BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name })))],
  exports: [BullModule],
})
export class QueueModule {
  static forRoot({ backoffStrategies }: QueueRootOptions): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        BullModule.forRootAsync({
          inject: [QueueConfig],
          useFactory: (config: QueueConfig) => ({
            url: config.redisUrl,
            prefix: config.prefix,
            settings: {
              lockDuration: config.lockDurationMs,
              stalledInterval: config.stalledIntervalMs,
              maxStalledCount: 2,
              backoffStrategies,
            },
            defaultJobOptions: {
              removeOnComplete: { age: DAY_IN_SECONDS, count: config.keepFinishedJobs },
              removeOnFail: { age: 7 * DAY_IN_SECONDS, count: config.keepFinishedJobs },
            },
          }),
        }),
      ],
    };
  }
}
