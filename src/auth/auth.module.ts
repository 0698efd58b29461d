import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthConfig, QueueConfig } from '../config/config';
import { RequestsModule } from '../requests/requests.module';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeys } from './api-keys';

@Module({
  imports: [
    RequestsModule,
    ThrottlerModule.forRootAsync({
      inject: [AuthConfig, QueueConfig],
      useFactory: (config: AuthConfig, queue: QueueConfig) => ({
        // In Redis, so that every API process counts against the same limit.
        storage: new ThrottlerStorageRedisService(queue.redisUrl, {
          keyPrefix: `${queue.prefix}:upload-limit:`,
        }),
        throttlers: [{ ttl: config.uploadRateWindowMs, limit: config.uploadRateLimit }],
        errorMessage:
          `Too many uploads: at most ${config.uploadRateLimit} every ` +
          `${config.uploadRateWindowMs / 1000} s from one API key or address; try again after ` +
          'the Retry-After header’s seconds',
      }),
    }),
  ],
  providers: [ApiKeys, { provide: APP_GUARD, useClass: ApiKeyGuard }],
})
export class AuthModule {}
