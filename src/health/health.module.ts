import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { QueueModule } from '../queue/queue.module';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';
import { StorageDiskHealthIndicator } from './storage-disk.health';

/** GET /health/live and /health/ready, in every mode. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), QueueModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, StorageDiskHealthIndicator],
})
export class HealthModule {}
