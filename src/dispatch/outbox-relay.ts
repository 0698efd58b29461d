import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { DispatchConfig } from '../config/config';
import {
  DELIVER_WEBHOOK_JOB,
  DeliverWebhookJob,
  FINALISE_REQUEST_JOB,
  FinaliseRequestJob,
  JobIds,
  REQUESTS_QUEUE,
  WEBHOOKS_QUEUE,
} from '../queue/queue.constants';
import { OutboxEntry, OutboxKind } from '../requests/outbox-entry.entity';
import { OutboxRepository } from '../requests/outbox.repository';
import { addJobs, ensureJobs, JobSpec } from './queued-jobs';

const ENTRIES_PER_PASS = 500;
/** A finalisation that fails is tried again soon; the relay takes over after that. */
const FINALISE_ATTEMPTS = 3;
const FINALISE_BACKOFF_MS = 1000;

/**
 * Queues the side effects the outbox says are owed (finalising a request, delivering a
 * webhook attempt) once they are due, and queues again any whose job Redis no longer holds.
 * Any number of processes may run it: job ids follow from the entry, so an effect is queued
 * once, and the effect's own transaction removes its entry.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    @InjectQueue(REQUESTS_QUEUE) private readonly requests: Queue<FinaliseRequestJob>,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly webhooks: Queue<DeliverWebhookJob>,
    private readonly outbox: OutboxRepository,
    private readonly config: DispatchConfig,
  ) {}

  /** Queues the entries that are due; returns how many. */
  async relay(): Promise<number> {
    const now = new Date();
    const requeueBefore = new Date(now.getTime() - this.config.resyncIntervalMs);
    const entries = await this.outbox.due(now, requeueBefore, ENTRIES_PER_PASS);
    if (entries.length === 0) return 0;
    const fresh = entries.filter((entry) => entry.enqueuedAt === null);
    const stale = entries.filter((entry) => entry.enqueuedAt !== null);
    await addJobs(this.requests, fresh.flatMap(finaliseJob));
    await addJobs(this.webhooks, fresh.flatMap(webhookJob));
    const requeued =
      (await ensureJobs(this.requests, stale.flatMap(finaliseJob), (jobs) =>
        this.stillOwed(stale, jobs),
      )) +
      (await ensureJobs(this.webhooks, stale.flatMap(webhookJob), (jobs) =>
        this.stillOwed(stale, jobs),
      ));
    if (requeued > 0) this.logger.warn(`Queued again ${requeued} jobs that Redis had lost`);
    await this.outbox.markEnqueued(
      entries.map((entry) => entry.id),
      now,
    );
    return entries.length;
  }

  /** The jobs whose entries are still owed: an effect done meanwhile removed its entry. */
  private async stillOwed<T>(stale: OutboxEntry[], jobs: JobSpec<T>[]): Promise<JobSpec<T>[]> {
    const jobIds = new Set(jobs.map((job) => job.opts.jobId));
    const entries = stale.filter((entry) =>
      [...finaliseJob(entry), ...webhookJob(entry)].some((job) => jobIds.has(job.opts.jobId)),
    );
    const here = await this.outbox.stillHere(entries);
    const owedJobIds = new Set(
      entries
        .filter((entry) => here.has(entry.id))
        .flatMap((entry) => [...finaliseJob(entry), ...webhookJob(entry)])
        .map((job) => job.opts.jobId),
    );
    return jobs.filter((job) => owedJobIds.has(job.opts.jobId));
  }
}

function finaliseJob(entry: OutboxEntry): JobSpec<FinaliseRequestJob>[] {
  if (entry.kind !== OutboxKind.FinaliseRequest) return [];
  return [
    {
      name: FINALISE_REQUEST_JOB,
      data: { requestPk: entry.requestPk },
      opts: {
        jobId: JobIds.finaliseRequest(entry.requestPk, entry.id),
        attempts: FINALISE_ATTEMPTS,
        backoff: { type: 'exponential', delay: FINALISE_BACKOFF_MS },
      },
    },
  ];
}

/** One job per attempt: the schedule of retries lives in the outbox, not in Redis. */
function webhookJob(entry: OutboxEntry): JobSpec<DeliverWebhookJob>[] {
  if (entry.kind !== OutboxKind.DeliverWebhook) return [];
  return [
    {
      name: DELIVER_WEBHOOK_JOB,
      data: { requestPk: entry.requestPk, attempt: entry.attempt },
      opts: {
        jobId: JobIds.deliverWebhook(entry.requestPk, entry.id, entry.attempt),
        attempts: 1,
      },
    },
  ];
}
