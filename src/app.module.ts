import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuthModule } from './auth/auth.module';
import { allConfigs } from './config/configuration';
import { AppMode, validateEnvironment } from './config/env.validation';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { ImagesModule } from './images/images.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProcessingModule } from './processing/processing.module';
import { QueueBoardModule } from './queue-board/queue-board.module';
import { StatusModule } from './status/status.module';
import { UploadModule } from './upload/upload.module';

/**
 * MODE=api serves HTTP, MODE=worker consumes the queues, MODE=all does both. The mode is
 * passed in rather than read inside the module so that it is fixed before Nest resolves imports.
 */
@Module({})
export class AppModule {
  static forMode(mode: AppMode): DynamicModule {
    const servesApi = mode !== 'worker';
    const consumesQueues = mode !== 'api';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, load: allConfigs, validate: validateEnvironment }),
        LoggingModule,
        DatabaseModule,
        HealthModule,
        MetricsModule,
        ...(servesApi
          ? [AuthModule, UploadModule, StatusModule, ImagesModule, QueueBoardModule.register()]
          : []),
        ...(consumesQueues ? [ProcessingModule] : []),
      ],
    };
  }
}
