import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HealthConfig, StorageConfig } from '../config/config';

/**
 * Free space on the disk that holds the image storage directory. An absolute minimum rather
 * than a percentage: what matters is room for the next images, whatever the volume's size.
 * The directory is created by the first stored image, so until then its nearest existing
 * ancestor (the same file system once it exists, in every usual layout) is measured.
 */
@Injectable()
export class StorageDiskHealthIndicator {
  constructor(
    private readonly storage: StorageConfig,
    private readonly health: HealthConfig,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const check = this.indicators.check(key);
    try {
      const stats = await statfsOfNearestExisting(this.storage.directory);
      const freeBytes = stats.bavail * stats.bsize;
      const details = { freeBytes, minFreeBytes: this.health.minFreeDiskBytes };
      return freeBytes >= this.health.minFreeDiskBytes
        ? check.up(details)
        : check.down({ ...details, message: 'Not enough free disk space for images' });
    } catch (error) {
      return check.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

async function statfsOfNearestExisting(path: string): Promise<StatsFs> {
  try {
    return await statfs(path);
  } catch (error) {
    const parent = dirname(path);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw error;
    return statfsOfNearestExisting(parent);
  }
}
