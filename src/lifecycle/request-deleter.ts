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

/** Rows deleted per statement: few enough that other requests' reads and writes pass between. */
export const ROWS_PER_BATCH = 500;
/** A breath between batches, so that the database and the event loop serve others first. */
export const PAUSE_BETWEEN_BATCHES_MS = 2;

/**
 * Removes a request marked deleted: its images' rows, then its products', a bounded batch at a
 * time, then its stored objects, then its row with what goes with it (outbox entries, webhook
 * deliveries, idempotency keys). Every step can run again, so a deletion cut short by a crash
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
    const batches = [
      () => this.lifecycle.deleteImages(requestPk, ROWS_PER_BATCH),
      () => this.lifecycle.deleteProducts(requestPk, ROWS_PER_BATCH),
    ];
    for (const deleteBatch of batches) {
      while ((await deleteBatch()) > 0) {
        await sleep(PAUSE_BETWEEN_BATCHES_MS);
        if (!stillHeld()) return false;
      }
    }
    const removed = await this.storage.removeFolder(StorageKeys.requestFolder(requestId));
    if (await this.lifecycle.removeRequest(requestPk)) {
      this.metrics.recordRequestRemoved(removed.bytes);
    }
    return true;
  }
}
