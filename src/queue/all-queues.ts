import { getQueueToken } from '@nestjs/bull';
import { Provider } from '@nestjs/common';
import { Queue } from 'bull';
import { QUEUE_NAMES } from './queue.constants';

/** Every queue of the service, for what watches them all (metrics, logging, shutdown). */
export abstract class AllQueues {
  abstract readonly list: readonly Queue[];
}

export const allQueuesProvider: Provider = {
  provide: AllQueues,
  inject: QUEUE_NAMES.map((name) => getQueueToken(name)),
  useFactory: (...queues: Queue[]): AllQueues => ({ list: queues }),
};
