import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { KickableLoop } from '../common/kickable-loop';
import { DispatchConfig } from '../config/config';
import { DispatchLock } from './dispatch-lock';
import { ImageDispatcher } from './image-dispatcher';
import { OutboxRelay } from './outbox-relay';

const SHUTDOWN_WAIT_MS = 5000;

/**
 * Runs the dispatcher and the outbox relay every `intervalMs`, and at once when `kick` says new
 * work was committed in this process. A pass runs under a Redis lock, so that among all the
 * processes sharing the queues one dispatches at a time; the others' passes do nothing.
 */
@Injectable()
export class DispatchLoop
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly loop: KickableLoop;
  private lastResync = 0;

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
    if (this.config.enabled) this.loop.kick();
  }

  private async pass(): Promise<void> {
    await this.lock.runExclusively(async (held) => {
      if (Date.now() - this.lastResync >= this.config.resyncIntervalMs) {
        this.lastResync = Date.now();
        await this.images.resync();
      }
      if (!held()) return;
      await this.outbox.relay();
      if (!held()) return;
      await this.images.fill(held);
    });
  }
}
