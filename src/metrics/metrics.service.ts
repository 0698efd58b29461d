import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ImageStatus } from '../requests/request-status';

export type JobOutcome = 'completed' | 'failed';

/** What an image's recorded outcome tells the metrics. */
export interface ImageMetricsOutcome {
  status: ImageStatus;
  bytesIn?: number | null;
  bytesOut?: number;
}

const PREFIX = 'image_batch_';

/**
 * The process's Prometheus metrics, served at GET /metrics. Each process counts what it did
 * itself (sum them across processes); queue depths are read from Redis on every scrape and
 * are the same in every process (take their max).
 *
 * One registry per app rather than prom-client's global one, so that several apps in one
 * process (the e2e tests) do not collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly jobs = new Counter({
    name: `${PREFIX}jobs_total`,
    help: 'Queue jobs this process ran, by queue and outcome (a failed attempt counts as failed)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly jobDuration = new Histogram({
    name: `${PREFIX}job_duration_seconds`,
    help: 'Time from a job starting to its finishing, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  private readonly images = new Counter({
    name: `${PREFIX}images_total`,
    help: 'Images given a final outcome by this process, by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  private readonly bytesIn = new Counter({
    name: `${PREFIX}image_bytes_in_total`,
    help: 'Bytes of the source images downloaded for images given an outcome',
    registers: [this.registry],
  });

  private readonly bytesOut = new Counter({
    name: `${PREFIX}image_bytes_out_total`,
    help: 'Bytes of the compressed images stored',
    registers: [this.registry],
  });

  private readonly webhookDeliveries = new Counter({
    name: `${PREFIX}webhook_deliveries_total`,
    help: 'Webhook delivery attempts by outcome (delivered, retrying, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly requestsRemoved = new Counter({
    name: `${PREFIX}requests_removed_total`,
    help: 'Deleted requests (by DELETE or by retention) whose rows and stored objects this process removed',
    registers: [this.registry],
  });

  private readonly storedBytesRemoved = new Counter({
    name: `${PREFIX}stored_bytes_removed_total`,
    help: 'Bytes of stored images and output CSVs removed with deleted requests',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** A job that ran in this process finished; `startedAt` is Bull's `processedOn`. */
  recordJob(queue: string, outcome: JobOutcome, startedAt?: number): void {
    this.jobs.inc({ queue, outcome });
    if (startedAt) {
      this.jobDuration.observe({ queue, outcome }, Math.max(0, Date.now() - startedAt) / 1000);
    }
  }

  /** An image's outcome was recorded (once per image). */
  recordImage(outcome: ImageMetricsOutcome): void {
    this.images.inc({ status: outcome.status });
    if (outcome.bytesIn) this.bytesIn.inc(outcome.bytesIn);
    if (outcome.bytesOut) this.bytesOut.inc(outcome.bytesOut);
  }

  /** One webhook delivery attempt, with the outcome recorded for it. */
  recordWebhookDelivery(outcome: string): void {
    this.webhookDeliveries.inc({ outcome });
  }

  /** A deleted request is gone, with `bytes` of stored objects. */
  recordRequestRemoved(bytes: number): void {
    this.requestsRemoved.inc();
    this.storedBytesRemoved.inc(bytes);
  }

  /** A gauge whose values are read when Prometheus scrapes. */
  gaugeOnScrape<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
    read: (gauge: Gauge<Label>) => Promise<void>,
  ): void {
    const gauge: Gauge<Label> = new Gauge({
      name: `${PREFIX}${name}`,
      help,
      labelNames,
      registers: [this.registry],
      collect: () => read(gauge),
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
