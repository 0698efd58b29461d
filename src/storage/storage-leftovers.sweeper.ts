import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ImageStorage } from './image-storage';

/**
 * After start-up, in the background, removes what writes cut short by a crash left in the
 * store; start-up does not wait for it, and shutdown stops it.
 */
@Injectable()
export class StorageLeftoversSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StorageLeftoversSweeper.name);
  private readonly stopping = new AbortController();
  private sweeping: Promise<void> | undefined;

  constructor(private readonly storage: ImageStorage) {}

  onApplicationBootstrap(): void {
    this.sweeping = this.storage.removeLeftovers(this.stopping.signal).then(
      (removed) => {
        if (removed > 0) this.logger.log(`Removed ${removed} files left by interrupted writes`);
      },
      (error: unknown) =>
        this.logger.warn(`Removing files left by interrupted writes failed: ${String(error)}`),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await this.sweeping;
  }
}
