import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { ImagesConfig } from '../config/config';
import { startJobWorker } from '../queue/job-worker';
import { COMPRESS_IMAGE_JOB, CompressImageJob, IMAGES_QUEUE } from '../queue/queue.constants';
import { ImageProcessingService } from './image-processing.service';

/** Consumes the images queue. */
@Injectable()
export class ImageProcessor implements OnModuleInit {
  private readonly logger = new Logger(ImageProcessor.name);

  constructor(
    @InjectQueue(IMAGES_QUEUE) private readonly queue: Queue<CompressImageJob>,
    private readonly config: ImagesConfig,
    private readonly processing: ImageProcessingService,
  ) {}

  onModuleInit(): void {
    startJobWorker(
      this.queue,
      COMPRESS_IMAGE_JOB,
      this.config.concurrency,
      (job) => this.handle(job),
      this.logger,
    );
    // A job that fails for good without an outcome (an unexpected error on every attempt, or
    // stalled too often) is still recorded, so that its request can finish.
    this.queue.on('failed', (job: Job<CompressImageJob>, error: Error) => {
      if (job.name !== COMPRESS_IMAGE_JOB || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      this.processing
        .recordLostImage(job.data, error)
        .catch((cause: unknown) =>
          this.logger.error(`Recording a lost image failed: ${String(cause)}`),
        );
    });
  }

  private handle(job: Job<CompressImageJob>): Promise<void> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.processing.process(job.data, finalAttempt);
  }
}
