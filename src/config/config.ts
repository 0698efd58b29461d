import { resolve } from 'node:path';
import { parseVariantList, VariantFormat } from '../common/variant-formats';
import {
  AppMode,
  CompressionProfile,
  Environment,
  ImageDelivery,
  LogLevel,
  parseEnvironment,
  StorageDriver,
  trustProxyOf,
} from './environment';

export type { CompressionProfile };
export type { ImageDelivery, StorageDriver };

/**
 * The service's configuration: validated once from the environment by `loadConfig`, then
 * injected. Each namespace is its own injection token, so that a class asks for what it uses
 * (`constructor(private readonly images: ImagesConfig)`) and a test passes plain objects.
 */
export class AppConfig {
  declare readonly mode: AppMode;
  declare readonly port: number;
  declare readonly host: string;
  /** Express's `trust proxy`: false, true, a number of hops, or the proxies' addresses. */
  declare readonly trustProxy: boolean | number | readonly string[];
  /** MODE=worker serves health and metrics here. */
  declare readonly healthPort: number;
  /** Without a trailing slash. */
  declare readonly publicBaseUrl: string;
}

export class DatabaseConfig {
  /** PostgreSQL when set; the embedded SQLite file otherwise. */
  declare readonly url: string | undefined;
  declare readonly sqlitePath: string;
  declare readonly migrationsRun: boolean;
}

export class QueueConfig {
  declare readonly redisUrl: string;
  declare readonly prefix: string;
  declare readonly keepFinishedJobs: number;
  declare readonly lockDurationMs: number;
  declare readonly stalledIntervalMs: number;
}

export class DispatchConfig {
  declare readonly enabled: boolean;
  declare readonly windowSize: number;
  declare readonly intervalMs: number;
  declare readonly kickRetryMs: number;
  declare readonly resyncIntervalMs: number;
}

export class QueueDashboardConfig {
  declare readonly enabled: boolean;
  declare readonly password: string | undefined;
}

export class StorageConfig {
  declare readonly driver: StorageDriver;
  /** The local driver's folder. */
  declare readonly directory: string;
  /** The s3 driver's bucket; null with the local driver. */
  declare readonly s3: S3BucketConfig | null;
}

export interface S3BucketConfig {
  readonly bucket: string;
  readonly region: string;
  /** AWS's own endpoint for the region when undefined. */
  readonly endpoint: string | undefined;
  readonly forcePathStyle: boolean;
  /** Put before every key: empty, or ending in `/`. */
  readonly keyPrefix: string;
}

/** How the URLs of stored images and output CSVs are served. */
export class DeliveryConfig {
  declare readonly mode: ImageDelivery;
  declare readonly presignedUrlTtlSeconds: number;
  /**
   * With public delivery, the URL that a storage key is appended to (IMAGE_PUBLIC_BASE_URL and
   * S3_KEY_PREFIX, ending in `/`); null otherwise.
   */
  declare readonly publicObjectBaseUrl: string | null;
}

export class ImagesConfig {
  declare readonly concurrency: number;
  declare readonly attempts: number;
  declare readonly backoffMs: number;
  declare readonly downloadTimeoutMs: number;
  declare readonly downloadMaxBytes: number;
  declare readonly downloadMaxRedirects: number;
  /** Whether results of earlier requests of the same owner are reused (REUSE_RESULTS). */
  declare readonly reuseResults: boolean;
}

export class CompressionConfig {
  declare readonly profile: CompressionProfile;
  /** Images compressed at once in one process. */
  declare readonly concurrency: number;
}

export class QualityConfig {
  /** Whether each compressed image is scored against its source (QUALITY_SCORE). */
  declare readonly scoreImages: boolean;
}

export class VariantsConfig {
  /** The variants a request gets when its upload names none (OUTPUT_VARIANTS). */
  declare readonly defaultFormats: readonly VariantFormat[];
  /** AVIF encodes at once in one process. */
  declare readonly avifConcurrency: number;
  /** The largest image, in pixels, that gets an AVIF variant. */
  declare readonly avifMaxPixels: number;
}

export class NetworkConfig {
  declare readonly allowPrivateNetworks: boolean;
  declare readonly allowedHosts: readonly string[];
}

export class AuthConfig {
  declare readonly apiKeys: readonly string[];
  declare readonly uploadRateLimit: number;
  declare readonly uploadRateWindowMs: number;
}

export class CsvConfig {
  declare readonly maxUploadBytes: number;
  declare readonly maxRows: number;
  declare readonly maxUrlsPerRow: number;
  declare readonly maxUrlLength: number;
  declare readonly maxFieldLength: number;
}

export class WebhookConfig {
  declare readonly retryDelaysMs: readonly number[];
  declare readonly timeoutMs: number;
  declare readonly secret: string | undefined;
  declare readonly maxProducts: number;
}

export class StatusConfig {
  declare readonly maxPageBytes: number;
}

export class LifecycleConfig {
  /** How long a finished request is kept; 0 keeps it for ever. */
  declare readonly retentionMs: number;
  declare readonly sweepIntervalMs: number;
  /** How long an upload whose `202` never reached the socket is kept before it is deleted. */
  declare readonly unconfirmedGraceMs: number;
}

export class IdempotencyConfig {
  /** How long a key answers retries with the request it created. */
  declare readonly keyTtlMs: number;
}

export class HealthConfig {
  declare readonly minFreeDiskBytes: number;
}

export class LoggingConfig {
  declare readonly level: LogLevel;
  declare readonly pretty: boolean;
}

export class Config {
  declare readonly app: AppConfig;
  declare readonly database: DatabaseConfig;
  declare readonly queue: QueueConfig;
  declare readonly dispatch: DispatchConfig;
  declare readonly queueDashboard: QueueDashboardConfig;
  declare readonly storage: StorageConfig;
  declare readonly delivery: DeliveryConfig;
  declare readonly images: ImagesConfig;
  declare readonly compression: CompressionConfig;
  declare readonly quality: QualityConfig;
  declare readonly variants: VariantsConfig;
  declare readonly network: NetworkConfig;
  declare readonly auth: AuthConfig;
  declare readonly csv: CsvConfig;
  declare readonly webhook: WebhookConfig;
  declare readonly status: StatusConfig;
  declare readonly idempotency: IdempotencyConfig;
  declare readonly lifecycle: LifecycleConfig;
  declare readonly health: HealthConfig;
  declare readonly logging: LoggingConfig;
}

const MEGABYTE = 1024 * 1024;
const MEGAPIXEL = 1_000_000;
const HOUR_MS = 60 * 60 * 1000;

const commaSeparated = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** S3_KEY_PREFIX ending in `/` (when not empty); the local driver's keys have none. */
const keyPrefixOf = (env: Environment): string =>
  env.STORAGE_DRIVER === 's3' && env.S3_KEY_PREFIX !== ''
    ? `${env.S3_KEY_PREFIX.replace(/\/+$/, '')}/`
    : '';

/**
 * Validates the environment and shapes it into the configuration. Throws a
 * `ConfigurationError` listing every invalid variable. Relative paths resolve against the
 * working directory.
 */
export function loadConfig(variables: Record<string, string | undefined>): Config {
  return shapeConfig(parseEnvironment(variables));
}

function shapeConfig(env: Environment): Config {
  return {
    app: {
      mode: env.MODE,
      port: env.PORT,
      host: env.HOST,
      trustProxy: trustProxyOf(env.TRUST_PROXY),
      healthPort: env.HEALTH_PORT ?? env.PORT,
      publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    },
    database: {
      url: env.DATABASE_URL,
      sqlitePath: resolve(env.SQLITE_PATH),
      migrationsRun: env.DATABASE_MIGRATIONS_RUN,
    },
    queue: {
      redisUrl: env.REDIS_URL,
      prefix: env.QUEUE_PREFIX,
      keepFinishedJobs: env.KEEP_FINISHED_JOBS,
      lockDurationMs: env.QUEUE_LOCK_DURATION_MS,
      stalledIntervalMs: env.QUEUE_STALLED_INTERVAL_MS,
    },
    dispatch: {
      enabled: env.DISPATCHER,
      windowSize: env.QUEUE_WINDOW,
      intervalMs: env.DISPATCH_INTERVAL_MS,
      kickRetryMs: env.KICK_RETRY_MS,
      resyncIntervalMs: env.QUEUE_RESYNC_INTERVAL_MS,
    },
    queueDashboard: {
      enabled: env.QUEUE_DASHBOARD,
      password: env.QUEUE_DASHBOARD_PASSWORD,
    },
    storage: {
      driver: env.STORAGE_DRIVER,
      directory: resolve(env.STORAGE_DIR),
      s3:
        env.STORAGE_DRIVER === 's3' && env.S3_BUCKET
          ? {
              bucket: env.S3_BUCKET,
              region: env.S3_REGION,
              endpoint: env.S3_ENDPOINT,
              forcePathStyle: env.S3_FORCE_PATH_STYLE,
              keyPrefix: keyPrefixOf(env),
            }
          : null,
    },
    delivery: {
      mode: env.IMAGE_DELIVERY,
      presignedUrlTtlSeconds: env.IMAGE_URL_TTL_SECONDS,
      publicObjectBaseUrl:
        env.IMAGE_DELIVERY === 'public' && env.IMAGE_PUBLIC_BASE_URL
          ? `${env.IMAGE_PUBLIC_BASE_URL.replace(/\/+$/, '')}/${keyPrefixOf(env)}`
          : null,
    },
    images: {
      concurrency: env.IMAGE_CONCURRENCY,
      attempts: env.IMAGE_JOB_ATTEMPTS,
      backoffMs: env.IMAGE_JOB_BACKOFF_MS,
      downloadTimeoutMs: env.DOWNLOAD_TIMEOUT_MS,
      downloadMaxBytes: env.DOWNLOAD_MAX_BYTES,
      downloadMaxRedirects: env.DOWNLOAD_MAX_REDIRECTS,
      reuseResults: env.REUSE_RESULTS,
    },
    compression: {
      profile: env.COMPRESSION_PROFILE,
      concurrency: env.COMPRESSION_CONCURRENCY,
    },
    quality: {
      scoreImages: env.QUALITY_SCORE,
    },
    variants: {
      defaultFormats: parseVariantList(env.OUTPUT_VARIANTS) ?? [],
      avifConcurrency: env.AVIF_CONCURRENCY,
      avifMaxPixels: env.AVIF_MAX_MEGAPIXELS * MEGAPIXEL,
    },
    network: {
      allowPrivateNetworks: env.ALLOW_PRIVATE_NETWORKS,
      allowedHosts: commaSeparated(env.ALLOWED_PRIVATE_HOSTS),
    },
    auth: {
      apiKeys: commaSeparated(env.API_KEYS),
      uploadRateLimit: env.UPLOAD_RATE_LIMIT,
      uploadRateWindowMs: env.UPLOAD_RATE_WINDOW_MS,
    },
    csv: {
      maxUploadBytes: env.UPLOAD_MAX_BYTES,
      maxRows: env.CSV_MAX_ROWS,
      maxUrlsPerRow: env.CSV_MAX_URLS_PER_ROW,
      maxUrlLength: env.CSV_MAX_URL_LENGTH,
      maxFieldLength: env.CSV_MAX_FIELD_LENGTH,
    },
    webhook: {
      retryDelaysMs: env.WEBHOOK_RETRY_DELAYS_MS.split(',').map(Number),
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      secret: env.WEBHOOK_SECRET,
      maxProducts: env.WEBHOOK_MAX_PRODUCTS,
    },
    status: { maxPageBytes: env.STATUS_PAGE_MAX_BYTES },
    idempotency: { keyTtlMs: env.IDEMPOTENCY_KEY_TTL_HOURS * HOUR_MS },
    lifecycle: {
      retentionMs: Math.round(env.RETENTION_DAYS * 24 * HOUR_MS),
      sweepIntervalMs: env.LIFECYCLE_SWEEP_INTERVAL_MS,
      unconfirmedGraceMs: env.UNCONFIRMED_UPLOAD_GRACE_MS,
    },
    health: { minFreeDiskBytes: env.HEALTH_MIN_FREE_DISK_MB * MEGABYTE },
    logging: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY ?? env.NODE_ENV === 'development' },
  };
}
