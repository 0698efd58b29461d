import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { RequestsModule } from '../requests/requests.module';
import { DispatchLock } from './dispatch-lock';
import { DispatchLoop } from './dispatch-loop';
import { ImageDispatcher } from './image-dispatcher';
import { OutboxRelay } from './outbox-relay';

/**
 * Feeds the queues from the database, in every mode: the pending images, a bounded window at a
 * time, and the side effects the outbox holds.
 */
@Module({
  imports: [QueueModule, RequestsModule],
  providers: [DispatchLock, ImageDispatcher, OutboxRelay, DispatchLoop],
  exports: [DispatchLoop],
})
export class DispatchModule {}
