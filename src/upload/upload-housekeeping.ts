import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { IdempotencyKeys } from './idempotency-keys';
import { ProductSpool } from './product-spool';

const EXPIRED_KEYS_EVERY_MS = 60 * 60 * 1000;

/**
 * Clears, in the background, what uploads leave behind: the spool files of an API that was
 * killed mid-upload (once, after start-up), and expired idempotency keys (then every hour; a
 * key is also taken over when it is used again after expiring). Start-up does not wait for it.
 */
@Injectable()
export class UploadHousekeeping implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(UploadHousekeeping.name);
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly keys: IdempotencyKeys) {}

  onApplicationBootstrap(): void {
    this.track(this.removeAbandonedSpools());
    this.track(this.deleteExpiredKeys());
    this.timer = setInterval(() => this.track(this.deleteExpiredKeys()), EXPIRED_KEYS_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await Promise.all(this.running);
  }

  async removeAbandonedSpools(): Promise<void> {
    try {
      const removed = await ProductSpool.removeAbandoned(this.stopping.signal);
      if (removed > 0) this.logger.log(`Removed ${removed} spool files of interrupted uploads`);
    } catch (error) {
      this.logger.warn(`Removing the spool files of interrupted uploads failed: ${String(error)}`);
    }
  }

  async deleteExpiredKeys(): Promise<void> {
    try {
      const deleted = await this.keys.deleteExpired();
      if (deleted > 0) this.logger.log(`Deleted ${deleted} expired idempotency keys`);
    } catch (error) {
      this.logger.warn(`Deleting expired idempotency keys failed: ${String(error)}`);
    }
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }
}
