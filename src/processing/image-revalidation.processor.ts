import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { startJobWorker } from '../queue/job-worker';
import { REUSE_QUEUE, REVALIDATE_IMAGES_JOB, RevalidateImagesJob } from '../queue/queue.constants';
import { ImageRevalidationService } from './image-revalidation.service';

/** Batches revalidated at once by one worker process; each runs its requests concurrently. */
const BATCHES_AT_ONCE = 2;

/**
 * Consumes the reuse queue. A batch that fails for good leaves its images pending and
 * dispatched: the dispatcher's resync gives each of them a compress-image job.
 */
@Injectable()
export class ImageRevalidationProcessor implements OnModuleInit {
  private readonly logger = new Logger(ImageRevalidationProcessor.name);

  constructor(
    @InjectQueue(REUSE_QUEUE) private readonly queue: Queue<RevalidateImagesJob>,
    private readonly revalidation: ImageRevalidationService,
  ) {}

  onModuleInit(): void {
    startJobWorker(
      this.queue,
      REVALIDATE_IMAGES_JOB,
      BATCHES_AT_ONCE,
      (job: Job<RevalidateImagesJob>) => this.revalidation.revalidate(job.data),
      this.logger,
    );
  }
}
