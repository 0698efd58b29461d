import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { LinksModule } from '../links/links.module';
import { RequestsModule } from '../requests/requests.module';
import { IdempotencyKeys } from './idempotency-keys';
import { UploadHousekeeping } from './upload-housekeeping';
import { UploadController } from './upload.controller';
import { UploadService } from './upload.service';

@Module({
  imports: [DispatchModule, LinksModule, RequestsModule],
  controllers: [UploadController],
  providers: [UploadService, IdempotencyKeys, UploadHousekeeping],
})
export class UploadModule {}
