import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { CompressionConfig, VariantsConfig } from '../config/config';
import { startJobWorker } from '../queue/job-worker';
import { ENCODE_VARIANT_JOB, EncodeVariantJob, VARIANTS_QUEUE } from '../queue/queue.constants';
import { VariantProcessingService } from './variant-processing.service';

/**
 * Consumes the variants queue: as many jobs at once as the encoder has slots (WebP, and
 * AVIF_CONCURRENCY for AVIF), so that a job in hand is one being encoded or about to be.
 */
@Injectable()
export class VariantProcessor implements OnModuleInit {
  private readonly logger = new Logger(VariantProcessor.name);

  constructor(
    @InjectQueue(VARIANTS_QUEUE) private readonly queue: Queue<EncodeVariantJob>,
    private readonly compression: CompressionConfig,
    private readonly variants: VariantsConfig,
    private readonly processing: VariantProcessingService,
  ) {}

  onModuleInit(): void {
    startJobWorker(
      this.queue,
      ENCODE_VARIANT_JOB,
      this.compression.concurrency + this.variants.avifConcurrency,
      (job) => this.processing.process(job.data),
      this.logger,
    );
    this.queue.on('failed', (job: Job<EncodeVariantJob>, error: Error) => {
      if (job.name !== ENCODE_VARIANT_JOB || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      this.processing
        .recordLostVariant(job.data, error)
        .catch((cause: unknown) =>
          this.logger.error(`Recording a lost variant failed: ${String(cause)}`),
        );
    });
  }
}
