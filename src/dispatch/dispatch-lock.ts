import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { withTimeout } from '../common/with-timeout';
import { IMAGES_QUEUE } from '../queue/queue.constants';

const REDIS_TIMEOUT_MS = 5000;
/**
 * Short, so that a holder that dies (SIGKILL, a lost machine) holds up the other processes'
 * dispatch for at most this long; a live holder renews it while its pass runs.
 */
export const DISPATCH_LOCK_TTL_MS = 2000;
const RENEW_EVERY_MS = DISPATCH_LOCK_TTL_MS / 4;

/** Deletes the lock only if it is still ours, so that an expired holder never frees another's. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
/** Extends the lock only if it is still ours. */
const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;

/** Tells a pass whether its lock is still held; once false, the pass stops where it is. */
export type LockHeld = () => boolean;

/**
 * A Redis lock that lets one dispatcher at a time work among every process that shares the
 * queues. It is renewed while the pass runs; a holder that cannot renew it (Redis away, an event
 * loop stalled past the TTL) stops at the pass's next step, so two passes do not overlap. Job
 * ids and conditional updates keep the work correct even if they did.
 */
@Injectable()
export class DispatchLock {
  private readonly logger = new Logger(DispatchLock.name);
  readonly key: string;

  constructor(@InjectQueue(IMAGES_QUEUE) private readonly queue: Queue) {
    this.key = queue.toKey('dispatcher-lock');
  }

  /** Runs `work` if the lock is free; returns false, without running it, when it is not. */
  async runExclusively(work: (held: LockHeld) => Promise<void>): Promise<boolean> {
    // The holder is named, so that an operator (or a test) can tell who has it.
    const token = `${hostname()}:${process.pid}:${randomUUID()}`;
    // While Redis is away its client holds commands back; a pass gives up rather than wait.
    const acquired = await withTimeout(
      this.queue.client.set(this.key, token, 'PX', DISPATCH_LOCK_TTL_MS, 'NX'),
      REDIS_TIMEOUT_MS,
      'taking the dispatcher lock',
    );
    if (acquired !== 'OK') return false;
    let held = true;
    const renewal = setInterval(() => {
      withTimeout(
        this.queue.client.eval(RENEW_SCRIPT, 1, this.key, token, DISPATCH_LOCK_TTL_MS),
        DISPATCH_LOCK_TTL_MS / 2,
        'renewing the dispatcher lock',
      )
        .then((renewed) => {
          if (renewed !== 1) throw new Error('another process holds it now');
        })
        .catch((error: unknown) => {
          if (!held) return;
          held = false;
          this.logger.warn(`Dispatcher lock lost; the pass stops: ${String(error)}`);
        });
    }, RENEW_EVERY_MS);
    renewal.unref();
    try {
      await work(() => held);
    } finally {
      clearInterval(renewal);
      await withTimeout(
        this.queue.client.eval(RELEASE_SCRIPT, 1, this.key, token),
        REDIS_TIMEOUT_MS,
        'releasing the dispatcher lock',
      );
    }
    return true;
  }
}
