import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AllQueues } from './all-queues';

const READY_WAIT_MS = 5000;

/**
 * Closes every queue as the app begins to stop: no queue takes another job, and the jobs in
 * hand finish while the database is still open (Bull's own close comes in the later
 * onApplicationShutdown phase, in no guaranteed order with the database's).
 */
@Injectable()
export class QueueShutdown implements BeforeApplicationShutdown {
  constructor(private readonly queues: AllQueues) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.queues.list.map(async (queue) => {
        // Closing a queue that is still connecting makes Bull fail inside its worker
        // registration, so it waits a while for the connection first.
        await Promise.race([
          queue.isReady(),
          sleep(READY_WAIT_MS, undefined, { ref: false }),
        ]).catch(() => undefined);
        await queue.close();
      }),
    );
  }
}
