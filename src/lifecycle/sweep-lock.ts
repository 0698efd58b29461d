import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { withTimeout } from '../common/with-timeout';
import { IMAGES_QUEUE } from '../queue/queue.constants';

const REDIS_TIMEOUT_MS = 5000;

const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;

/** Tells the holder of the lock whether it still holds it, renewing it when it does. */
export type StillHeld = () => Promise<boolean>;

/**
 * A Redis lock that lets one process at a time sweep, among every process that shares Redis. A
 * sweep may run for minutes (a catalog of a million images to delete), so its holder renews the
 * lock between batches, and stops when it finds it lost. Losing it costs duplicate work only:
 * every batch of a sweep is a conditional statement that can run twice.
 */
@Injectable()
export class SweepLock {
  private readonly key: string;

  constructor(@InjectQueue(IMAGES_QUEUE) private readonly queue: Queue) {
    this.key = queue.toKey('lifecycle-sweep-lock');
  }

  /** Runs `work` if the lock is free; returns false, without running it, when it is not. */
  async runExclusively(
    ttlMs: number,
    work: (stillHeld: StillHeld) => Promise<void>,
  ): Promise<boolean> {
    const token = randomUUID();
    const acquired = await withTimeout(
      this.queue.client.set(this.key, token, 'PX', ttlMs, 'NX'),
      REDIS_TIMEOUT_MS,
      'taking the sweep lock',
    );
    if (acquired !== 'OK') return false;
    const stillHeld = async (): Promise<boolean> =>
      (await withTimeout(
        this.queue.client.eval(RENEW_SCRIPT, 1, this.key, token, ttlMs),
        REDIS_TIMEOUT_MS,
        'renewing the sweep lock',
      )) === 1;
    try {
      await work(stillHeld);
    } finally {
      await withTimeout(
        this.queue.client.eval(RELEASE_SCRIPT, 1, this.key, token),
        REDIS_TIMEOUT_MS,
        'releasing the sweep lock',
      );
    }
    return true;
  }
}
