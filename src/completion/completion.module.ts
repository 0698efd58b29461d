import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { QueueModule } from '../queue/queue.module';
import { RequestsModule } from '../requests/requests.module';
import { StorageModule } from '../storage/storage.module';
import { RequestFinaliser } from './request-finaliser';
import { RequestFinaliserProcessor } from './request-finaliser.processor';

/** Finishes requests whose images all have outcomes: imported where the queues are consumed. */
@Module({
  imports: [DispatchModule, QueueModule, RequestsModule, StorageModule],
  providers: [RequestFinaliser, RequestFinaliserProcessor],
})
export class CompletionModule {}
