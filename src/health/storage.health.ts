import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ImageStorage } from '../storage/image-storage';

/**
 * Whether the image storage can take the next objects: free disk space for local storage, an
 * answer from the bucket for S3.
 */
@Injectable()
export class StorageHealthIndicator {
  constructor(
    private readonly storage: ImageStorage,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const check = this.indicators.check(key);
    try {
      const { usable, message, details } = await this.storage.check();
      return usable ? check.up(details) : check.down({ ...details, message });
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}
