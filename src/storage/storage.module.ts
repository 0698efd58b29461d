import { Module } from '@nestjs/common';
import { ImageStorage } from './image-storage';
import { LocalDiskStorage } from './local-disk.storage';

@Module({
  providers: [{ provide: ImageStorage, useClass: LocalDiskStorage }],
  exports: [ImageStorage],
})
export class StorageModule {}
