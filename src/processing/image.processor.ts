import { InjectQueue } from '@nestjs/bull';
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImagesConfig } from '../config/config';
import {
  COMPRESS_IMAGE_JOB,
  CompressImageJob,
  IMAGES_QUEUE,
  WEBHOOKS_QUEUE,
} from '../queue/queue.constants';
import { ImageProcessingService } from './image-processing.service';

const READY_WAIT_MS = 5000;

/**
 * Consumes the images queue. Registered by hand rather than with `@Process()` because the
 * concurrency comes from validated configuration, which a decorator cannot read.
 */
@Injectable()
export class ImageProcessor implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(ImageProcessor.name);

  constructor(
    @InjectQueue(IMAGES_QUEUE) private readonly queue: Queue<CompressImageJob>,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly webhooks: Queue,
    private readonly config: ImagesConfig,
    private readonly processing: ImageProcessingService,
  ) {}

  onModuleInit(): void {
    this.queue
      .process(COMPRESS_IMAGE_JOB, this.config.concurrency, (job) => this.handle(job))
      .catch((error: unknown) => this.logger.error(`Image worker stopped: ${String(error)}`));
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

  /**
   * Stops taking jobs and waits for those in hand before the database connection closes
   * (Bull's own close runs in the later onApplicationShutdown phase, in no guaranteed order).
   * The webhooks queue closes after the images queue, since finishing an image may queue one.
   */
  async beforeApplicationShutdown(): Promise<void> {
    // Closing a queue that is still connecting makes Bull fail inside its worker registration.
    await Promise.race([
      this.queue.isReady(),
      sleep(READY_WAIT_MS, undefined, { ref: false }),
    ]).catch(() => undefined);
    await this.queue.close();
    await this.webhooks.close();
  }

  private handle(job: Job<CompressImageJob>): Promise<void> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.processing.process(job.data, finalAttempt);
  }
}
