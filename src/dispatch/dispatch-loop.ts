import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
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
  private readonly logger = new Logger(DispatchLoop.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastResync = 0;

  constructor(
    private readonly config: DispatchConfig,
    private readonly lock: DispatchLock,
    private readonly images: ImageDispatcher,
    private readonly outbox: OutboxRelay,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return;
    this.schedule(0);
  }

  /** No pass starts once the app is stopping, before the queues close. */
  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Waits a while for a pass under way; one stuck on an unreachable Redis is left behind. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.race([this.running, sleep(SHUTDOWN_WAIT_MS, undefined, { ref: false })]);
  }

  /** New work was committed: run a pass as soon as the current one (if any) ends. */
  kick(): void {
    if (!this.config.enabled || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runPass(), delayMs);
    this.timer.unref();
  }

  private runPass(): void {
    if (this.stopped || this.running) return;
    this.running = this.pass()
      .catch((error: unknown) => this.logger.warn(`Dispatch pass failed: ${String(error)}`))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.config.intervalMs);
      });
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
