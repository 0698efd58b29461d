import { InjectQueue } from '@nestjs/bull';
import {
  BadRequestException,
  Injectable,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { withTimeout } from '../common/with-timeout';
import { CsvConfig, ImagesConfig, QueueConfig } from '../config/config';
import {
  COMPRESS_IMAGE_JOB,
  CompressImageJob,
  compressImageJobId,
  IMAGES_QUEUE,
  imageJobsPattern,
} from '../queue/queue.constants';
import { PublicLinks } from '../links/public-links';
import { RequestStatus } from '../requests/request-status';
import { RequestsRepository } from '../requests/requests.repository';
import { CsvValidationError, parseProductsCsv } from '../csv/products-csv.parser';
import { UploadAcceptedDto } from './dto/upload-csv.dto';

const ENQUEUE_CHUNK = 1000;

@Injectable()
export class UploadService {
  private readonly logger = new Logger(UploadService.name);

  constructor(
    @InjectQueue(IMAGES_QUEUE) private readonly queue: Queue<CompressImageJob>,
    private readonly csv: CsvConfig,
    private readonly images: ImagesConfig,
    private readonly queueSettings: QueueConfig,
    private readonly requests: RequestsRepository,
    private readonly links: PublicLinks,
  ) {}

  /**
   * Validates the whole CSV, stores the request and queues one job per image.
   * Either all of it is stored and queued, or nothing is kept.
   */
  async accept(
    csv: Buffer,
    webhookUrl: string | null,
    owner: string | null,
  ): Promise<UploadAcceptedDto> {
    const products = this.parse(csv);
    const requestId = randomUUID();
    const jobs = await this.requests.createRequest(requestId, webhookUrl, owner, products);
    try {
      await this.enqueue(jobs);
    } catch (error) {
      this.logger.error(`Queueing request ${requestId} failed: ${String(error)}`);
      await this.requests.deleteRequest(requestId);
      this.removeQueuedJobs(requestId);
      throw new ServiceUnavailableException(
        'The job queue is unavailable right now; nothing was stored. Try the upload again later.',
      );
    }
    return {
      request_id: requestId,
      status: RequestStatus.Pending,
      status_url: this.links.status(requestId),
    };
  }

  private parse(csv: Buffer) {
    try {
      return parseProductsCsv(csv, this.csv);
    } catch (error) {
      if (!(error instanceof CsvValidationError)) throw error;
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'The CSV file is not valid',
        errors: error.problems,
      });
    }
  }

  /** Adds the jobs chunk by chunk; a chunk the queue does not take in time stops the rest. */
  private async enqueue(jobs: CompressImageJob[]): Promise<void> {
    const options = {
      attempts: this.images.attempts,
      backoff: { type: 'exponential', delay: this.images.backoffMs },
    };
    for (let start = 0; start < jobs.length; start += ENQUEUE_CHUNK) {
      const chunk = jobs.slice(start, start + ENQUEUE_CHUNK).map((data) => ({
        name: COMPRESS_IMAGE_JOB,
        data,
        opts: { ...options, jobId: compressImageJobId(data) },
      }));
      await withTimeout(this.queue.addBulk(chunk), this.queueSettings.enqueueTimeoutMs, 'queueing');
    }
  }

  /**
   * Removes what was queued of a request that was given up, once Redis answers again. Jobs that
   * slip through find no request and do nothing.
   */
  private removeQueuedJobs(requestId: string): void {
    this.queue
      .removeJobs(imageJobsPattern(requestId))
      .catch((error: unknown) =>
        this.logger.warn(`Removing the jobs of request ${requestId} failed: ${String(error)}`),
      );
  }
}
