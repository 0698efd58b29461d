import { Module } from '@nestjs/common';
import { RequestsModule } from '../requests/requests.module';
import { StorageModule } from '../storage/storage.module';
import { ImagesController } from './images.controller';

@Module({
  imports: [RequestsModule, StorageModule],
  controllers: [ImagesController],
})
export class ImagesModule {}
