import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { withTimeout } from '../common/with-timeout';
import { IMAGES_QUEUE } from '../queue/queue.constants';

const REDIS_TIMEOUT_MS = 5000;

/** Deletes the lock only if it is still ours, so that an expired holder never frees another's. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

/**
 * A Redis lock that lets one dispatcher at a time work among every process that shares the
 * queues. It only saves duplicate work: job ids and conditional updates keep the work correct
 * even when a lock expires under a slow holder.
 */
@Injectable()
export class DispatchLock {
  private readonly key: string;

  constructor(@InjectQueue(IMAGES_QUEUE) private readonly queue: Queue) {
    this.key = queue.toKey('dispatcher-lock');
  }

  /** Runs `work` if the lock is free; returns false, without running it, when it is not. */
  async runExclusively(ttlMs: number, work: () => Promise<void>): Promise<boolean> {
    const token = randomUUID();
    // While Redis is away its client holds commands back; a pass gives up rather than wait.
    const acquired = await withTimeout(
      this.queue.client.set(this.key, token, 'PX', ttlMs, 'NX'),
      REDIS_TIMEOUT_MS,
      'taking the dispatcher lock',
    );
    if (acquired !== 'OK') return false;
    try {
      await work();
    } finally {
      await withTimeout(
        this.queue.client.eval(RELEASE_SCRIPT, 1, this.key, token),
        REDIS_TIMEOUT_MS,
        'releasing the dispatcher lock',
      );
    }
    return true;
  }
}
