import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { RequestsModule } from '../requests/requests.module';
import { StorageModule } from '../storage/storage.module';
import { LifecycleSweeper } from './lifecycle-sweeper';
import { RequestDeleter } from './request-deleter';
import { SweepLock } from './sweep-lock';

/**
 * The background work of cancel, retry, delete and retention, in every mode: whichever
 * process marks a change sweeps at once, and every process sweeps now and then.
 */
@Module({
  imports: [QueueModule, RequestsModule, StorageModule],
  providers: [SweepLock, RequestDeleter, LifecycleSweeper],
  exports: [LifecycleSweeper],
})
export class LifecycleModule {}
