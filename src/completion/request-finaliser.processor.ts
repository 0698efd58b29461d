import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { startJobWorker } from '../queue/job-worker';
import { FINALISE_REQUEST_JOB, FinaliseRequestJob, REQUESTS_QUEUE } from '../queue/queue.constants';
import { RequestFinaliser } from './request-finaliser';

/** Finalisations write whole output CSVs: two at a time leave the cores to the images. */
const FINALISE_CONCURRENCY = 2;

/** Consumes the requests queue. */
@Injectable()
export class RequestFinaliserProcessor implements OnModuleInit {
  private readonly logger = new Logger(RequestFinaliserProcessor.name);

  constructor(
    @InjectQueue(REQUESTS_QUEUE) private readonly queue: Queue<FinaliseRequestJob>,
    private readonly finaliser: RequestFinaliser,
  ) {}

  onModuleInit(): void {
    startJobWorker(
      this.queue,
      FINALISE_REQUEST_JOB,
      FINALISE_CONCURRENCY,
      (job: Job<FinaliseRequestJob>) => this.finaliser.finalise(job.data.requestPk),
      this.logger,
    );
  }
}
