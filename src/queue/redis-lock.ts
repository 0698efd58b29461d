import { Logger } from '@nestjs/common';
import { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { withTimeout } from '../common/with-timeout';

const REDIS_TIMEOUT_MS = 5000;

/** Takes the lock if it is free; answers who holds it afterwards, in one step. */
const ACQUIRE_SCRIPT = `redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') return redis.call('get', KEYS[1])`;
/** Deletes the lock only if it is still ours, so that an expired holder never frees another's. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;
/** Extends the lock only if it is still ours. */
const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;

/** Tells the holder whether it still holds the lock; once false, its work stops where it is. */
export type LockHeld = () => boolean;

/**
 * What a try to run under the lock did: ran the work, or found the lock held by `holder` (a
 * token unique to one holding, so a new holding by the same process has another).
 */
export type LockAttempt = { ran: true } | { ran: false; holder: string | null };

/**
 * A Redis lock that lets one process at a time do a piece of work, among every process that
 * shares the queues' Redis. Its holder renews it every quarter of its TTL while the work runs,
 * so a holder that dies (SIGKILL, a lost machine) holds the others up for at most the TTL. A
 * holder that cannot renew it (Redis away, an event loop stalled past the TTL) is told through
 * `LockHeld` and stops at its next step, so two holders do not overlap.
 */
export class RedisLock {
  private readonly logger: Logger;
  readonly key: string;

  constructor(
    private readonly queue: Queue,
    name: string,
    private readonly ttlMs: number,
  ) {
    this.key = queue.toKey(name);
    this.logger = new Logger(`RedisLock ${name}`);
  }

  /** Runs `work` if the lock is free; says who holds it, without running it, when it is not. */
  async runExclusively(work: (held: LockHeld) => Promise<void>): Promise<LockAttempt> {
    // The holder is named, so that an operator (or a test) can tell who has it.
    const token = `${hostname()}:${process.pid}:${randomUUID()}`;
    // While Redis is away its client holds commands back; the work gives up rather than wait.
    const holder = (await withTimeout(
      this.queue.client.eval(ACQUIRE_SCRIPT, 1, this.key, token, this.ttlMs),
      REDIS_TIMEOUT_MS,
      `taking the lock ${this.key}`,
    )) as string | null;
    if (holder !== token) return { ran: false, holder };
    let held = true;
    const renewal = setInterval(() => {
      withTimeout(
        this.queue.client.eval(RENEW_SCRIPT, 1, this.key, token, this.ttlMs),
        this.ttlMs / 2,
        `renewing the lock ${this.key}`,
      )
        .then((renewed) => {
          if (renewed !== 1) throw new Error('another process holds it now');
        })
        .catch((error: unknown) => {
          if (!held) return;
          held = false;
          this.logger.warn(`Lock lost; the work stops: ${String(error)}`);
        });
    }, this.ttlMs / 4);
    renewal.unref();
    try {
      await work(() => held);
    } finally {
      clearInterval(renewal);
      await withTimeout(
        this.queue.client.eval(RELEASE_SCRIPT, 1, this.key, token),
        REDIS_TIMEOUT_MS,
        `releasing the lock ${this.key}`,
      );
    }
    return { ran: true };
  }
}
