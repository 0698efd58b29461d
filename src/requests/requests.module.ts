import { Module } from '@nestjs/common';
import { PublicUrls } from './public-urls';
import { RequestsRepository } from './requests.repository';

@Module({
  providers: [RequestsRepository, PublicUrls],
  exports: [RequestsRepository, PublicUrls],
})
export class RequestsModule {}
