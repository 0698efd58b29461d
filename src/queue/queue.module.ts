import { BullModule, getQueueToken } from '@nestjs/bull';
import { DynamicModule, Module } from '@nestjs/common';
import { AdvancedSettings, Queue } from 'bull';
import { QueueConfig } from '../config/config';
import { QUEUE_NAMES } from './queue.constants';

const DAY_IN_SECONDS = 24 * 60 * 60;

export interface QueueRootOptions {
  /** Custom strategies that jobs name in their `backoff` option. */
  backoffStrategies: AdvancedSettings['backoffStrategies'];
}

/** Every queue of the service, for what watches them all (metrics, logging). */
export abstract class AllQueues {
  abstract readonly list: readonly Queue[];
}

const allQueues = {
  provide: AllQueues,
  inject: QUEUE_NAMES.map((name) => getQueueToken(name)),
  useFactory: (...queues: Queue[]): AllQueues => ({ list: queues }),
};

/**
 * Every queue, registered once. `forRoot` sets the Redis connection and job defaults for the
 * whole app; feature modules import `QueueModule` for the queues themselves.
 */
@Module({
  imports: [BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name })))],
  providers: [allQueues],
  exports: [BullModule, AllQueues],
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
