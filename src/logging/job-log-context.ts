import { Injectable } from '@nestjs/common';
import { Job, Queue } from 'bull';
import { PinoLogger } from 'nestjs-pino';
import { storage, Store } from 'nestjs-pino/storage';
import { AllQueues } from '../queue/all-queues';

type JobHandler = (job: Job) => Promise<unknown>;

/**
 * Runs every job handler of the queues inside a logging context, so that whatever a job logs,
 * through Nest's `Logger` anywhere down the call chain, carries the job's queue, name, id and
 * attempt — as pino-http does for requests.
 *
 * It wraps `queue.process` rather than asking each processor to wrap its own handler:
 * providers are all constructed before any `onModuleInit`, where the processors register
 * their handlers, so no handler is missed. Callback-style handlers (two parameters) and
 * sandboxed processor files are left as they are.
 */
@Injectable()
export class JobLogContext {
  constructor(
    queues: AllQueues,
    private readonly logger: PinoLogger,
  ) {
    for (const queue of queues.list) this.wrapHandlersOf(queue);
  }

  /** Runs `work` with a logger bound to the job. */
  run<T>(queue: string, job: Job, work: () => T): T {
    const bindings = {
      job: { queue, name: job.name, id: job.id, attempt: job.attemptsMade + 1 },
    };
    return storage.run(new Store(this.logger.logger.child(bindings)), work);
  }

  private wrapHandlersOf(queue: Queue): void {
    const process = queue.process.bind(queue) as (...args: unknown[]) => Promise<void>;
    const wrapped = (...args: unknown[]): Promise<void> => {
      const last = args.length - 1;
      const handler = args[last];
      if (typeof handler === 'function' && handler.length <= 1) {
        const run = handler as JobHandler;
        args[last] = (job: Job) => this.run(queue.name, job, () => run(job));
      }
      return process(...args);
    };
    queue.process = wrapped as Queue['process'];
  }
}
