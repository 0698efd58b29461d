import { Module } from '@nestjs/common';
import { HealthConfig, StorageConfig } from '../config/config';
import { ImageStorage } from './image-storage';
import { LocalDiskStorage } from './local-disk.storage';
import { ObjectDownloads } from './object-downloads';
import { S3Storage } from './s3.storage';

function storageFor(storage: StorageConfig, health: HealthConfig): ImageStorage {
  switch (storage.driver) {
    case 'local':
      return new LocalDiskStorage(storage, health);
    case 's3':
      if (!storage.s3) throw new Error('STORAGE_DRIVER=s3 without S3 settings');
      return new S3Storage(storage.s3);
  }
}

/** The storage driver STORAGE_DRIVER names, and the download answers built on it. */
@Module({
  providers: [
    { provide: ImageStorage, inject: [StorageConfig, HealthConfig], useFactory: storageFor },
    ObjectDownloads,
  ],
  exports: [ImageStorage, ObjectDownloads],
})
export class StorageModule {}
