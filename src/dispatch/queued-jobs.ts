import { Job, JobOptions, Queue } from 'bull';

export interface JobSpec<T> {
  name: string;
  data: T;
  opts: JobOptions & { jobId: string };
}

/** Adds at most this many jobs in one call, so that no command grows with the backlog. */
const ADD_CHUNK = 1000;

/** Adds jobs in bulk; a job whose id is in the queue already is left as it is. */
export async function addJobs<T>(queue: Queue<T>, jobs: JobSpec<T>[]): Promise<void> {
  for (let start = 0; start < jobs.length; start += ADD_CHUNK) {
    await queue.addBulk(jobs.slice(start, start + ADD_CHUNK));
  }
}

/**
 * Of the jobs found missing or finished, those whose work is still owed. The work was read as
 * owed before Redis was asked, and a job that does its work records it before it finishes:
 * asking again after Redis answered tells a job that finished its work meanwhile (and may have
 * been removed with the finished jobs) from one that did not.
 */
export type StillOwed<T> = (jobs: JobSpec<T>[]) => Promise<JobSpec<T>[]>;

/**
 * Makes sure each job is in the queue, waiting, delayed or running: a job that is missing (Redis
 * lost it) is added again, and one that finished without doing its work (it failed, or ran
 * while the work was not due) is replaced, if `stillOwed` says the work is owed still. Returns
 * how many were added.
 */
export async function ensureJobs<T>(
  queue: Queue<T>,
  jobs: JobSpec<T>[],
  stillOwed: StillOwed<T>,
): Promise<number> {
  let added = 0;
  for (let start = 0; start < jobs.length; start += ADD_CHUNK) {
    const chunk = jobs.slice(start, start + ADD_CHUNK);
    const pipeline = queue.client.pipeline();
    for (const job of chunk) {
      pipeline.hget(queue.toKey(job.opts.jobId), 'finishedOn');
      pipeline.exists(queue.toKey(job.opts.jobId));
    }
    const answers = (await pipeline.exec()) ?? [];
    const absent = chunk.filter((job, index) => {
      const finishedOn = answers[2 * index]?.[1];
      const exists = answers[2 * index + 1]?.[1] === 1;
      return !exists || (finishedOn !== null && finishedOn !== undefined);
    });
    const missing = absent.length > 0 ? await stillOwed(absent) : [];
    for (const job of missing) {
      const finished: Job<T> | null = await queue.getJob(job.opts.jobId);
      await finished?.remove();
    }
    await addJobs(queue, missing);
    added += missing.length;
  }
  return added;
}
