import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { KickableLoop } from '../common/kickable-loop';
import { DispatchConfig } from '../config/config';
import { LockHeld } from '../queue/redis-lock';
import { DispatchLock } from './dispatch-lock';
import { ImageDispatcher } from './image-dispatcher';
import { OutboxRelay } from './outbox-relay';

const SHUTDOWN_WAIT_MS = 5000;

/**
 * Runs the dispatcher and the outbox relay every `intervalMs`, and at once when `kick` says new
 * work was committed in this process. A pass runs under a Redis lock, so that among all the
 * processes sharing the queues one dispatches at a time; the others' passes do nothing.
 *
 * A kicked pass that finds the lock held cannot tell whether the holder's pass read the
 * database before or after the new work was committed. It tries the lock again every
 * `kickRetryMs` until it gets it, or until another pass holds it (one that began after the
 * commit, so it sees the work); the new work therefore waits for the end of the pass under
 * way, not for the holder's next pass `intervalMs` later.
 */
@Injectable()
export class DispatchLoop
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly loop: KickableLoop;
  private lastResync = 0;
  private kicked = false;

  constructor(
    private readonly config: DispatchConfig,
    private readonly lock: DispatchLock,
    private readonly images: ImageDispatcher,
    private readonly outbox: OutboxRelay,
  ) {
    this.loop = new KickableLoop(
      () => this.pass(),
      config.intervalMs,
      new Logger(DispatchLoop.name),
    );
  }

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return;
    this.loop.start();
  }

  /** No pass starts once the app is stopping, before the queues close. */
  onModuleDestroy(): void {
    this.loop.stop();
  }

  /** Waits a while for a pass under way; one stuck on an unreachable Redis is left behind. */
  async onApplicationShutdown(): Promise<void> {
    await this.loop.settle(SHUTDOWN_WAIT_MS);
  }

  /** New work was committed: run a pass as soon as the current one (if any) ends. */
  kick(): void {
    if (!this.config.enabled) return;
    this.kicked = true;
    this.loop.kick();
  }

  private async pass(): Promise<void> {
    const kicked = this.kicked;
    this.kicked = false;
    const work = (held: LockHeld) => this.dispatch(held);
    let attempt = await this.lock.runExclusively(work);
    if (attempt.ran || !kicked) return;
    const busy = attempt.holder;
    while (!attempt.ran && attempt.holder === busy && !this.loop.isStopped) {
      await sleep(this.config.kickRetryMs);
      attempt = await this.lock.runExclusively(work);
    }
  }

  private async dispatch(held: LockHeld): Promise<void> {
    if (Date.now() - this.lastResync >= this.config.resyncIntervalMs) {
      this.lastResync = Date.now();
      await this.images.resync();
    }
    if (!held()) return;
    await this.outbox.relay();
    if (!held()) return;
    await this.images.fill(held);
  }
}
