import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import {
  AppConfig,
  AuthConfig,
  CompressionConfig,
  Config,
  CsvConfig,
  DatabaseConfig,
  DeliveryConfig,
  DispatchConfig,
  HealthConfig,
  IdempotencyConfig,
  ImagesConfig,
  LifecycleConfig,
  LoggingConfig,
  NetworkConfig,
  QualityConfig,
  QueueConfig,
  QueueDashboardConfig,
  StatusConfig,
  StorageConfig,
  VariantsConfig,
  WebhookConfig,
} from './config';

const NAMESPACES = {
  app: AppConfig,
  database: DatabaseConfig,
  queue: QueueConfig,
  dispatch: DispatchConfig,
  queueDashboard: QueueDashboardConfig,
  storage: StorageConfig,
  delivery: DeliveryConfig,
  images: ImagesConfig,
  compression: CompressionConfig,
  quality: QualityConfig,
  variants: VariantsConfig,
  network: NetworkConfig,
  auth: AuthConfig,
  csv: CsvConfig,
  webhook: WebhookConfig,
  status: StatusConfig,
  idempotency: IdempotencyConfig,
  lifecycle: LifecycleConfig,
  health: HealthConfig,
  logging: LoggingConfig,
} satisfies { [Name in keyof Config]: abstract new () => Config[Name] };

/** Provides the configuration loaded at start-up: the whole `Config` and each namespace. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: Config): DynamicModule {
    const providers: Provider[] = [
      { provide: Config, useValue: config },
      ...Object.entries(NAMESPACES).map(([name, token]) => ({
        provide: token,
        useValue: config[name as keyof Config],
      })),
    ];
    return { module: ConfigModule, providers, exports: [Config, ...Object.values(NAMESPACES)] };
  }
}
