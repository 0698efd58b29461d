import { Module } from '@nestjs/common';
import { HealthConfig, StorageConfig } from '../config/config';
import { ImageStorage } from './image-storage';
import { LocalDiskStorage } from './local-disk.storage';
import { ObjectDownloads } from './object-downloads';
import { StorageLeftoversSweeper } from './storage-leftovers.sweeper';

async function storageFor(storage: StorageConfig, health: HealthConfig): Promise<ImageStorage> {
  switch (storage.driver) {
    case 'local':
      return new LocalDiskStorage(storage, health);
    case 's3': {
      if (!storage.s3) throw new Error('STORAGE_DRIVER=s3 without S3 settings');
      // The AWS SDK is loaded only where a bucket is used: it adds some 25 MB to a process.
      const { S3Storage } = await import('./s3.storage');
      return new S3Storage(storage.s3);
    }
  }
}

/** The storage driver STORAGE_DRIVER names, and the download answers built on it. */
@Module({
  providers: [
    { provide: ImageStorage, inject: [StorageConfig, HealthConfig], useFactory: storageFor },
    ObjectDownloads,
    StorageLeftoversSweeper,
  ],
  exports: [ImageStorage, ObjectDownloads],
})
export class StorageModule {}
