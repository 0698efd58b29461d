import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthConfig } from '../config/config';
import { RequestsModule } from '../requests/requests.module';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeys } from './api-keys';

@Module({
  imports: [
    RequestsModule,
    ThrottlerModule.forRootAsync({
      inject: [AuthConfig],
      useFactory: (config: AuthConfig) => [
        { ttl: config.uploadRateWindowMs, limit: config.uploadRateLimit },
      ],
    }),
  ],
  providers: [ApiKeys, { provide: APP_GUARD, useClass: ApiKeyGuard }],
})
export class AuthModule {}
