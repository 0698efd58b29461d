import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { IMAGES_QUEUE } from '../queue/queue.constants';
import { RedisLock } from '../queue/redis-lock';

/** How long the other processes wait to sweep after a holder dies. */
const SWEEP_LOCK_TTL_MS = 15_000;

/**
 * The lock that lets one process at a time sweep. Losing it costs duplicate work only: every
 * batch of a sweep is a conditional statement that can run twice.
 */
@Injectable()
export class SweepLock extends RedisLock {
  constructor(@InjectQueue(IMAGES_QUEUE) queue: Queue) {
    super(queue, 'lifecycle-sweep-lock', SWEEP_LOCK_TTL_MS);
  }
}
