import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { LifecycleConfig } from '../config/config';
import {
  RequestLifecycleRepository,
  UnfinishedChange,
} from '../requests/request-lifecycle.repository';
import { PAUSE_BETWEEN_BATCHES_MS, RequestDeleter } from './request-deleter';
import { StillHeld, SweepLock } from './sweep-lock';

/** Requests of each kind taken up by one sweep; the next sweep takes the rest. */
const REQUESTS_PER_SWEEP = 100;
/** Images cancelled, or put back to Pending for a retry, per transaction. */
const IMAGES_PER_BATCH = 1000;
const SHUTDOWN_WAIT_MS = 5000;

/**
 * The background half of cancel, retry and delete, and the retention period. The API marks a
 * change on the request's row and answers; the sweep does the work the mark implies, in
 * bounded batches: it cancels the images that were never queued, resets a retried request's
 * failed and cancelled images, marks expired requests deleted, and removes deleted requests.
 *
 * It runs every LIFECYCLE_SWEEP_INTERVAL_MS and at once when this process marks a change, in
 * one process at a time (a Redis lock); whatever a stopped process left half-done is found by
 * its mark and carried on by the next sweep, anywhere.
 */
@Injectable()
export class LifecycleSweeper
  implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown
{
  private readonly logger = new Logger(LifecycleSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly config: LifecycleConfig,
    private readonly lock: SweepLock,
    private readonly lifecycle: RequestLifecycleRepository,
    private readonly deleter: RequestDeleter,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Waits a while for the sweep under way, which stops at its next batch. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.race([this.running, sleep(SHUTDOWN_WAIT_MS, undefined, { ref: false })]);
  }

  /** A change was marked: sweep as soon as the current sweep (if any) ends. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runSweep(), delayMs);
    this.timer.unref();
  }

  private runSweep(): void {
    if (this.stopped || this.running) return;
    this.running = this.sweep()
      .catch((error: unknown) => this.logger.warn(`Lifecycle sweep failed: ${String(error)}`))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.config.sweepIntervalMs);
      });
  }

  private async sweep(): Promise<void> {
    const ttlMs = Math.max(15_000, this.config.sweepIntervalMs * 3);
    await this.lock.runExclusively(ttlMs, async (lockHeld) => {
      const stillHeld: StillHeld = async () => !this.stopped && (await lockHeld());
      await this.eachOf(await this.lifecycle.cancellingRequests(REQUESTS_PER_SWEEP), (request) =>
        this.cancelImages(request, stillHeld),
      );
      await this.eachOf(await this.lifecycle.retryingRequests(REQUESTS_PER_SWEEP), (request) =>
        this.resetImages(request, stillHeld),
      );
      if (this.config.retentionMs > 0) {
        const before = new Date(Date.now() - this.config.retentionMs);
        const expired = await this.lifecycle.markExpired(before, REQUESTS_PER_SWEEP);
        if (expired > 0) this.logger.log(`Deleting ${expired} requests past their retention`);
      }
      await this.eachOf(await this.lifecycle.deletedRequests(REQUESTS_PER_SWEEP), (request) =>
        this.deleter.remove(request, stillHeld),
      );
    });
  }

  /** Works through the requests in turn; one that fails is logged and left to the next sweep. */
  private async eachOf(
    requests: UnfinishedChange[],
    work: (request: UnfinishedChange) => Promise<boolean>,
  ): Promise<void> {
    for (const request of requests) {
      try {
        if (!(await work(request))) return;
      } catch (error) {
        this.logger.warn(`Request ${request.requestId}: ${String(error)}`);
      }
    }
  }

  private async cancelImages(request: UnfinishedChange, stillHeld: StillHeld): Promise<boolean> {
    while (await this.lifecycle.cancelNextImages(request.requestPk, IMAGES_PER_BATCH)) {
      await sleep(PAUSE_BETWEEN_BATCHES_MS);
      if (!(await stillHeld())) return false;
    }
    return true;
  }

  private async resetImages(request: UnfinishedChange, stillHeld: StillHeld): Promise<boolean> {
    const total = await this.lifecycle.totalImages(request.requestPk);
    for (let from = 0; from < total; from += IMAGES_PER_BATCH) {
      await this.lifecycle.resetImages(request.requestPk, from, from + IMAGES_PER_BATCH);
      await sleep(PAUSE_BETWEEN_BATCHES_MS);
      if (!(await stillHeld())) return false;
    }
    await this.lifecycle.openRetried(request.requestPk);
    return true;
  }
}
