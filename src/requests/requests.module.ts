import { Module } from '@nestjs/common';
import { RequestCompletionService } from './request-completion.service';
import { RequestResults } from './request-results';
import { RequestsRepository } from './requests.repository';

@Module({
  providers: [RequestsRepository, RequestResults, RequestCompletionService],
  exports: [RequestsRepository, RequestResults, RequestCompletionService],
})
export class RequestsModule {}
