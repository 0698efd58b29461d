import { ConfigType, registerAs } from '@nestjs/config';
import { resolve } from 'node:path';
import { validateEnvironment } from './env.validation';

const env = () => validateEnvironment(process.env);

export const appConfig = registerAs('app', () => {
  const e = env();
  return {
    mode: e.MODE,
    port: e.PORT,
    host: e.HOST,
    healthPort: e.HEALTH_PORT ?? e.PORT,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
  };
});

export const databaseConfig = registerAs('database', () => {
  const e = env();
  return {
    url: e.DATABASE_URL,
    sqlitePath: resolve(e.SQLITE_PATH),
    migrationsRun: e.DATABASE_MIGRATIONS_RUN,
  };
});

export const queueConfig = registerAs('queue', () => {
  const e = env();
  return {
    redisUrl: e.REDIS_URL,
    prefix: e.QUEUE_PREFIX,
    keepFinishedJobs: e.KEEP_FINISHED_JOBS,
    lockDurationMs: e.QUEUE_LOCK_DURATION_MS,
    stalledIntervalMs: e.QUEUE_STALLED_INTERVAL_MS,
    enqueueTimeoutMs: e.QUEUE_ENQUEUE_TIMEOUT_MS,
    dashboard: e.QUEUE_DASHBOARD,
    dashboardPassword: e.QUEUE_DASHBOARD_PASSWORD,
  };
});

export const healthConfig = registerAs('health', () => ({
  minFreeDiskBytes: env().HEALTH_MIN_FREE_DISK_MB * 1024 * 1024,
}));

export const loggingConfig = registerAs('logging', () => {
  const e = env();
  return { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY ?? e.NODE_ENV === 'development' };
});

export const storageConfig = registerAs('storage', () => ({
  directory: resolve(env().STORAGE_DIR),
}));

export const imagesConfig = registerAs('images', () => {
  const e = env();
  return {
    concurrency: e.IMAGE_CONCURRENCY,
    attempts: e.IMAGE_JOB_ATTEMPTS,
    backoffMs: e.IMAGE_JOB_BACKOFF_MS,
    downloadTimeoutMs: e.DOWNLOAD_TIMEOUT_MS,
    downloadMaxBytes: e.DOWNLOAD_MAX_BYTES,
    downloadMaxRedirects: e.DOWNLOAD_MAX_REDIRECTS,
  };
});

export const networkConfig = registerAs('network', () => {
  const e = env();
  return {
    allowPrivateNetworks: e.ALLOW_PRIVATE_NETWORKS,
    allowedHosts: e.ALLOWED_PRIVATE_HOSTS.split(',')
      .map((host) => host.trim())
      .filter((host) => host !== ''),
  };
});

export const authConfig = registerAs('auth', () => {
  const e = env();
  return {
    apiKeys: e.API_KEYS.split(',')
      .map((key) => key.trim())
      .filter((key) => key !== ''),
    uploadRateLimit: e.UPLOAD_RATE_LIMIT,
    uploadRateWindowMs: e.UPLOAD_RATE_WINDOW_MS,
  };
});

export const csvConfig = registerAs('csv', () => {
  const e = env();
  return {
    maxUploadBytes: e.UPLOAD_MAX_BYTES,
    maxRows: e.CSV_MAX_ROWS,
    maxUrlsPerRow: e.CSV_MAX_URLS_PER_ROW,
    maxUrlLength: e.CSV_MAX_URL_LENGTH,
  };
});

export const webhookConfig = registerAs('webhook', () => {
  const e = env();
  return {
    retryDelaysMs: e.WEBHOOK_RETRY_DELAYS_MS.split(',').map(Number),
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    secret: e.WEBHOOK_SECRET,
  };
});

export type AppConfig = ConfigType<typeof appConfig>;
export type DatabaseConfig = ConfigType<typeof databaseConfig>;
export type QueueConfig = ConfigType<typeof queueConfig>;
export type StorageConfig = ConfigType<typeof storageConfig>;
export type ImagesConfig = ConfigType<typeof imagesConfig>;
export type NetworkConfig = ConfigType<typeof networkConfig>;
export type AuthConfig = ConfigType<typeof authConfig>;
export type CsvConfig = ConfigType<typeof csvConfig>;
export type WebhookConfig = ConfigType<typeof webhookConfig>;
export type HealthConfig = ConfigType<typeof healthConfig>;
export type LoggingConfig = ConfigType<typeof loggingConfig>;

export const allConfigs = [
  appConfig,
  databaseConfig,
  queueConfig,
  storageConfig,
  imagesConfig,
  networkConfig,
  authConfig,
  csvConfig,
  webhookConfig,
  healthConfig,
  loggingConfig,
];
