import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { IMAGES_QUEUE } from '../queue/queue.constants';
import { RedisLock } from '../queue/redis-lock';

/**
 * Short, so that a holder that dies holds up the other processes' dispatch for at most this
 * long; a live holder renews it while its pass runs.
 */
export const DISPATCH_LOCK_TTL_MS = 2000;

/**
 * The lock that lets one dispatcher at a time work among every process that shares the queues.
 * Job ids and conditional updates keep the work correct even if two passes overlapped.
 */
@Injectable()
export class DispatchLock extends RedisLock {
  constructor(@InjectQueue(IMAGES_QUEUE) queue: Queue) {
    super(queue, 'dispatcher-lock', DISPATCH_LOCK_TTL_MS);
  }
}
