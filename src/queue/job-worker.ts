import { Logger } from '@nestjs/common';
import { Job, Queue } from 'bull';

/**
 * Starts the worker of one job name on a queue: the one way every processor consumes its queue.
 * Workers are started from `onModuleInit` rather than declared with `@Process()`, because the
 * images worker's concurrency comes from validated configuration, which a decorator cannot read.
 * The handler throws plain errors, and Bull retries the job as its options say.
 */
export function startJobWorker<T>(
  queue: Queue<T>,
  jobName: string,
  concurrency: number,
  handle: (job: Job<T>) => Promise<unknown>,
  logger: Logger,
): void {
  queue
    .process(jobName, concurrency, handle)
    .catch((error: unknown) => logger.error(`${jobName} worker stopped: ${String(error)}`));
}
