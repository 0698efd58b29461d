import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, JobCounts, Queue } from 'bull';
import { withTimeout } from '../common/with-timeout';
import { AllQueues } from '../queue/all-queues';
import { MetricsService } from './metrics.service';

const COUNTS_TIMEOUT_MS = 1000;
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Feeds the metrics from Bull: the local `completed` and `failed` events of jobs this process
 * ran, and the queues' job counts, read from Redis on each scrape.
 */
@Injectable()
export class QueueMetrics implements OnModuleInit {
  private readonly logger = new Logger(QueueMetrics.name);
  private readonly queues: readonly Queue[];

  constructor(
    queues: AllQueues,
    private readonly metrics: MetricsService,
  ) {
    this.queues = queues.list;
  }

  onModuleInit(): void {
    for (const queue of this.queues) {
      queue.on('completed', (job: Job) =>
        this.metrics.recordJob(queue.name, 'completed', job.processedOn),
      );
      queue.on('failed', (job: Job) =>
        this.metrics.recordJob(queue.name, 'failed', job.processedOn),
      );
    }
    this.metrics.gaugeOnScrape(
      'queue_jobs',
      'Jobs in each queue by state, read from Redis when scraped (the same in every process)',
      ['queue', 'state'],
      async (gauge) => {
        gauge.reset();
        await Promise.all(
          this.queues.map(async (queue) => {
            const counts = await this.countsOf(queue);
            if (!counts) return;
            for (const state of STATES) gauge.set({ queue: queue.name, state }, counts[state]);
          }),
        );
      },
    );
  }

  /** Null while Redis does not answer, so that a scrape never hangs on an outage. */
  private async countsOf(queue: Queue): Promise<JobCounts | null> {
    try {
      return await withTimeout(queue.getJobCounts(), COUNTS_TIMEOUT_MS, 'reading job counts');
    } catch (error) {
      this.logger.warn(`Cannot read the ${queue.name} queue's job counts: ${String(error)}`);
      return null;
    }
  }
}
