import {
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleDestroy,
} from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { KickableLoop } from '../common/kickable-loop';
import { LockHeld } from '../queue/redis-lock';
import { LifecycleConfig } from '../config/config';
import {
  RequestLifecycleRepository,
  UnfinishedChange,
} from '../requests/request-lifecycle.repository';
import { PAUSE_BETWEEN_BATCHES_MS, RequestDeleter } from './request-deleter';
import { SweepLock } from './sweep-lock';

/** Requests of each kind taken up by one sweep; the next sweep takes the rest. */
const REQUESTS_PER_SWEEP = 100;
/** Images cancelled, or put back to Pending for a retry, per transaction. */
const IMAGES_PER_BATCH = 1000;
const SHUTDOWN_WAIT_MS = 5000;

/**
 * The background half of cancel, retry and delete, and the retention period. The API marks a
 * change on the request's row and answers; the sweep does the work the mark implies, in
 * bounded batches: it cancels the images that were never queued, resets a retried request's
 * failed and cancelled images, marks deleted the expired requests and the uploads whose `202`
 * never reached the socket, and removes deleted requests.
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
  private readonly loop: KickableLoop;

  constructor(
    private readonly config: LifecycleConfig,
    private readonly lock: SweepLock,
    private readonly lifecycle: RequestLifecycleRepository,
    private readonly deleter: RequestDeleter,
  ) {
    this.loop = new KickableLoop(() => this.sweep(), config.sweepIntervalMs, this.logger);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): void {
    this.loop.stop();
  }

  /** Waits a while for the sweep under way, which stops at its next batch. */
  async onApplicationShutdown(): Promise<void> {
    await this.loop.settle(SHUTDOWN_WAIT_MS);
  }

  /** A change was marked: sweep as soon as the current sweep (if any) ends. */
  kick(): void {
    this.loop.kick();
  }

  private async sweep(): Promise<void> {
    await this.lock.runExclusively(async (lockHeld) => {
      const stillHeld: LockHeld = () => !this.loop.isStopped && lockHeld();
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
      const unconfirmedBefore = new Date(Date.now() - this.config.unconfirmedGraceMs);
      const unconfirmed = await this.lifecycle.markUnconfirmed(
        unconfirmedBefore,
        REQUESTS_PER_SWEEP,
      );
      if (unconfirmed > 0) {
        this.logger.warn(`Deleting ${unconfirmed} uploads whose answer never reached the client`);
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

  private async cancelImages(request: UnfinishedChange, stillHeld: LockHeld): Promise<boolean> {
    while (await this.lifecycle.cancelNextImages(request.requestPk, IMAGES_PER_BATCH)) {
      await sleep(PAUSE_BETWEEN_BATCHES_MS);
      if (!stillHeld()) return false;
    }
    return true;
  }

  private async resetImages(request: UnfinishedChange, stillHeld: LockHeld): Promise<boolean> {
    const total = await this.lifecycle.totalImages(request.requestPk);
    for (let from = 0; from < total; from += IMAGES_PER_BATCH) {
      await this.lifecycle.resetImages(request.requestPk, from, from + IMAGES_PER_BATCH);
      await sleep(PAUSE_BETWEEN_BATCHES_MS);
      if (!stillHeld()) return false;
    }
    await this.lifecycle.openRetried(request.requestPk);
    return true;
  }
}
