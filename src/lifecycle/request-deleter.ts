import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { MetricsService } from '../metrics/metrics.service';
import {
  RequestLifecycleRepository,
  UnfinishedChange,
} from '../requests/request-lifecycle.repository';
import { ImageStorage } from '../storage/image-storage';
import { StorageKeys } from '../storage/storage-keys';
import { LockHeld } from '../queue/redis-lock';

/**
 * Rows deleted per statement, at most: few enough that other requests' reads and writes pass
 * between.
 */
export const ROWS_PER_BATCH = 500;
/** The shortest breath between batches, so that the database and the event loop serve others. */
export const PAUSE_BETWEEN_BATCHES_MS = 2;

/**
 * Removes a request marked deleted: its images' rows, then its products', a bounded batch at a
 * time (a range of their numbers), then its stored objects and the sources remembered from
 * them, then its row with what goes with it (outbox entries, webhook deliveries, idempotency
 * keys). Every step can run again, so a deletion cut short by a crash
 * is finished by the next sweep; the request's row goes last, so that the sweep finds it.
 */
@Injectable()
export class RequestDeleter {
  constructor(
    private readonly lifecycle: RequestLifecycleRepository,
    private readonly storage: ImageStorage,
    private readonly metrics: MetricsService,
  ) {}

  /** Returns false when it stopped before the end because `stillHeld` said so. */
  async remove(request: UnfinishedChange, stillHeld: LockHeld): Promise<boolean> {
    const { requestPk, requestId } = request;
    // At least as long a breath as the batch took: a deletion takes at most half of the
    // database's and the bucket's time (and of the event loop's), however busy the machine.
    const breathe = async (batchMs: number): Promise<boolean> => {
      await sleep(Math.max(PAUSE_BETWEEN_BATCHES_MS, batchMs));
      return stillHeld();
    };
    const tables = [
      {
        left: () => this.lifecycle.imageOrdinals(requestPk),
        deleteBatch: (from: number, to: number) => this.lifecycle.deleteImages(requestPk, from, to),
      },
      {
        left: () => this.lifecycle.productRows(requestPk),
        deleteBatch: (from: number, to: number) =>
          this.lifecycle.deleteProducts(requestPk, from, to),
      },
    ];
    for (const { left, deleteBatch } of tables) {
      // Numbers are unique within a request, so a range of ROWS_PER_BATCH of them bounds the
      // batch. A deletion resumed after a crash starts where the last one stopped.
      const range = await left();
      if (!range) continue;
      for (let from = range.first; from <= range.last; from += ROWS_PER_BATCH) {
        const started = performance.now();
        await deleteBatch(from, from + ROWS_PER_BATCH);
        if (!(await breathe(performance.now() - started))) return false;
      }
    }
    const removed = await this.storage.removeFolder(StorageKeys.requestFolder(requestId), breathe);
    if (!removed.finished) return false;
    // What later requests would have reused from it is gone with its objects.
    for (;;) {
      const started = performance.now();
      const forgotten = await this.lifecycle.deleteSourceRecords(requestId, ROWS_PER_BATCH);
      if (forgotten < ROWS_PER_BATCH) break;
      if (!(await breathe(performance.now() - started))) return false;
    }
    if (await this.lifecycle.removeRequest(requestPk)) {
      this.metrics.recordRequestRemoved(removed.bytes);
    }
    return true;
  }
}
