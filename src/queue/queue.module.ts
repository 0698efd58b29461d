import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { QueueConfig } from '../config/config';
import { AllQueues, allQueuesProvider } from './all-queues';
import { QUEUE_NAMES } from './queue.constants';
import { QueueShutdown } from './queue-shutdown';

const DAY_IN_SECONDS = 24 * 60 * 60;
/** The longest wait between attempts to reach Redis again, or to take jobs again after an error. */
const RECONNECT_MAX_MS = 500;

/**
 * The Redis connection and every queue, registered once. The queues hold a window of the work
 * only: the database says what is to be done (see the dispatch module).
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [QueueConfig],
      useFactory: (config: QueueConfig) => ({
        url: config.redisUrl,
        prefix: config.prefix,
        // Bull's own back-off grows to 20 s between attempts; this one retries every half second at
        // most, so that work resumes soon after Redis comes back.
        redis: { retryStrategy: (attempt: number) => Math.min(attempt * 100, RECONNECT_MAX_MS) },
        settings: {
          retryProcessDelay: RECONNECT_MAX_MS,
          lockDuration: config.lockDurationMs,
          stalledInterval: config.stalledIntervalMs,
          maxStalledCount: 2,
        },
        defaultJobOptions: {
          removeOnComplete: { age: DAY_IN_SECONDS, count: config.keepFinishedJobs },
          removeOnFail: { age: 7 * DAY_IN_SECONDS, count: config.keepFinishedJobs },
        },
      }),
    }),
    BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name }))),
  ],
  providers: [allQueuesProvider, QueueShutdown],
  exports: [BullModule, AllQueues],
})
export class QueueModule {}
