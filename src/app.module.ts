import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { CompletionModule } from './completion/completion.module';
import { Config } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { HealthModule } from './health/health.module';
import { ImagesModule } from './images/images.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueBoardModule } from './queue-board/queue-board.module';
import { StatusModule } from './status/status.module';
import { UploadModule } from './upload/upload.module';
import { WebConsoleModule } from './web-console/web-console.module';
import { WebhookModule } from './webhook/webhook.module';

/**
 * MODE=api serves HTTP, MODE=worker consumes the queues, MODE=all does both; every mode runs
 * the dispatcher that feeds the queues from the database, and the lifecycle sweep. The configuration is loaded before
 * the module is built, so that the mode decides which features are imported.
 */
@Module({})
export class AppModule {
  static async forRoot(config: Config): Promise<DynamicModule> {
    const servesApi = config.app.mode !== 'worker';
    const consumesQueues = config.app.mode !== 'api';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        HealthModule,
        MetricsModule,
        DispatchModule,
        LifecycleModule,
        ...(servesApi
          ? [
              AuthModule,
              UploadModule,
              StatusModule,
              ImagesModule,
              QueueBoardModule.register(config.queueDashboard),
              WebConsoleModule,
            ]
          : []),
        ...(consumesQueues ? await queueConsumerModules() : []),
      ],
    };
  }
}

/**
 * The modules of a process that consumes the queues. The image worker's is loaded only here, so
 * that an API process never loads sharp and libvips (8 MB less resident memory when idle).
 */
async function queueConsumerModules(): Promise<NonNullable<DynamicModule['imports']>> {
  const { ProcessingModule } = await import('./processing/processing.module');
  return [ProcessingModule, CompletionModule, WebhookModule];
}
