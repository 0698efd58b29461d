import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { isValid as isIpAddress, parseCIDR } from 'ipaddr.js';
import { availableParallelism } from 'node:os';
import { emptyToUndefined, toNumber } from '../common/validation/transforms';
import { parseVariantList, VARIANT_LIST_RULE } from '../common/variant-formats';
import {
  BooleanSetting,
  IntegerSetting,
  OptionalBooleanSetting,
  OptionalIntegerSetting,
} from './setting-decorators';

export const APP_MODES = ['api', 'worker', 'all', 'migrate'] as const;
export type AppMode = (typeof APP_MODES)[number];

export const COMPRESSION_PROFILES = ['balanced', 'fastest', 'smallest'] as const;
export type CompressionProfile = (typeof COMPRESSION_PROFILES)[number];

export const STORAGE_DRIVERS = ['local', 's3'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

export const IMAGE_DELIVERIES = ['proxy', 'redirect', 'public'] as const;
export type ImageDelivery = (typeof IMAGE_DELIVERIES)[number];

/** S3's rule for bucket names, which S3-compatible stores follow too. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Path segments of URL-safe characters, none of them `.` or `..`; a trailing `/` is optional. */
const KEY_PREFIX = /^(?:(?!\.{1,2}\/)[\w.-]+\/)*(?:(?!\.{1,2}$)[\w.-]+)?$/;

/** Express's names for address ranges, accepted in TRUST_PROXY's list. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY as Express's `trust proxy` takes it: false, true, a number of proxy hops, or the
 * addresses (IPs, CIDRs, range names) of the proxies to trust.
 */
export function trustProxyOf(value: string): boolean | number | string[] {
  const setting = value.trim().toLowerCase();
  if (setting === '' || setting === 'false') return false;
  if (setting === 'true') return true;
  if (/^\d+$/.test(setting)) return Number(setting);
  return setting.split(',').map((item) => item.trim());
}

function isProxyAddress(item: string): boolean {
  if (PROXY_RANGE_NAMES.includes(item) || isIpAddress(item)) return true;
  try {
    parseCIDR(item);
    return true;
  } catch {
    return false;
  }
}

/** What a process with MODE=api or MODE=worker keeps where only this machine can reach it. */
function hostBoundData(env: Environment): string[] {
  return [
    ...(env.DATABASE_URL ? [] : [`the SQLite database (SQLITE_PATH)`]),
    ...(env.STORAGE_DRIVER === 'local' ? [`local storage (STORAGE_DIR)`] : []),
  ];
}

/**
 * API and worker processes apart share the database and the stored images; with SQLite or local
 * storage they can only do so on one machine, which no process can see for itself.
 */
function splitRolesCanShareData(env: Environment): boolean {
  if (env.MODE !== 'api' && env.MODE !== 'worker') return true;
  return env.SINGLE_HOST || hostBoundData(env).length === 0;
}

function splitRolesMessage(env: Environment): string {
  return (
    `MODE=${env.MODE} shares ${hostBoundData(env).join(' and ')} with the other processes, ` +
    'which works only if they all run on this machine: set DATABASE_URL (PostgreSQL) and ' +
    'STORAGE_DRIVER=s3 to run them on several machines, or SINGLE_HOST=true if they all run here'
  );
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Every environment variable the service reads, with its default. Validated once, at start-up,
 * by `loadConfig`; nothing else reads the environment.
 */
export class Environment {
  /** `migrate` runs the pending migrations and exits, before the other roles start. */
  @IsIn(APP_MODES)
  @ValidateBy({
    name: 'splitRolesShareData',
    validator: {
      validate: (_: unknown, args) => splitRolesCanShareData(args?.object as Environment),
      defaultMessage: (args) => splitRolesMessage(args?.object as Environment),
    },
  })
  MODE: AppMode = 'all';

  /**
   * Says that every process of the service runs on this machine, so that API and worker
   * processes (MODE=api, MODE=worker) may share a SQLite file or a STORAGE_DIR. Nothing can
   * check it; without it those processes refuse to start.
   */
  @BooleanSetting()
  SINGLE_HOST = false;

  @IntegerSetting({ min: 0, max: 65535 })
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /**
   * Express's `trust proxy`: whom to believe about the client's address in `X-Forwarded-For`.
   * Off by default, so that a client cannot pick the address its upload limit is counted under.
   */
  @ValidateBy({
    name: 'trustProxy',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        const setting = trustProxyOf(value);
        return !Array.isArray(setting) || setting.every(isProxyAddress);
      },
      defaultMessage: () =>
        'TRUST_PROXY must be false, true, a number of proxy hops, or comma-separated proxy ' +
        'addresses (IPs, CIDRs, loopback, linklocal, uniquelocal)',
    },
  })
  TRUST_PROXY = 'false';

  /** Base of every absolute URL the service hands out; `http://localhost:${PORT}` when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PUBLIC_BASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  @IsString()
  SQLITE_PATH = './data/app.sqlite';

  @BooleanSetting()
  DATABASE_MIGRATIONS_RUN = true;

  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsString()
  QUEUE_PREFIX = 'bull';

  /** Where compressed images and output CSVs are kept: local disk or an S3-compatible bucket. */
  @IsIn(STORAGE_DRIVERS)
  STORAGE_DRIVER: StorageDriver = 'local';

  /** STORAGE_DRIVER=local: the folder of stored objects. */
  @IsString()
  STORAGE_DIR = './data/images';

  @Transform(emptyToUndefined)
  @ValidateIf((env: Environment) => env.STORAGE_DRIVER === 's3')
  @Matches(BUCKET_NAME, {
    message:
      'S3_BUCKET must name the bucket (3 to 63 lower-case letters, digits, dots and hyphens); ' +
      'it is required when STORAGE_DRIVER=s3',
  })
  S3_BUCKET?: string;

  @Matches(/^[a-z0-9-]+$/, { message: 'S3_REGION must be a region name, e.g. eu-west-1' })
  S3_REGION = 'us-east-1';

  /** An S3-compatible store other than AWS (MinIO, R2...); AWS's regional endpoint when unset. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  S3_ENDPOINT?: string;

  /** Addresses the bucket in the path (`endpoint/bucket/key`), as MinIO and s3rver need. */
  @BooleanSetting()
  S3_FORCE_PATH_STYLE = false;

  /** Put before every object key, e.g. `images/`, to share a bucket with other data. */
  @Matches(KEY_PREFIX, {
    message:
      'S3_KEY_PREFIX must be path segments of letters, digits, "_", "-" and ".", like "a/b/"',
  })
  S3_KEY_PREFIX = '';

  /**
   * How image and output CSV URLs are served: `proxy` streams them through the API, `redirect`
   * answers with a presigned bucket URL, `public` hands out IMAGE_PUBLIC_BASE_URL URLs instead.
   */
  @IsIn(IMAGE_DELIVERIES)
  @ValidateBy({
    name: 'redirectNeedsBucket',
    validator: {
      validate: (delivery: unknown, args) =>
        delivery !== 'redirect' ||
        (args?.object as Environment | undefined)?.STORAGE_DRIVER === 's3',
      defaultMessage: () =>
        'IMAGE_DELIVERY=redirect presigns bucket URLs and needs STORAGE_DRIVER=s3; ' +
        'with local storage use proxy (or public behind a web server)',
    },
  })
  IMAGE_DELIVERY: ImageDelivery = 'proxy';

  /** IMAGE_DELIVERY=redirect: how long a presigned URL stays valid (a week at most). */
  @IntegerSetting({ min: 1, max: 7 * 24 * 3600 })
  IMAGE_URL_TTL_SECONDS = 300;

  /**
   * IMAGE_DELIVERY=public: the URL at which the bucket's root (or STORAGE_DIR) is served, by a
   * CDN or as a public bucket; an object's URL is this, S3_KEY_PREFIX and its key.
   */
  @Transform(emptyToUndefined)
  @ValidateIf(
    (env: Environment) =>
      env.IMAGE_DELIVERY === 'public' || env.IMAGE_PUBLIC_BASE_URL !== undefined,
  )
  @IsUrl(
    { protocols: ['http', 'https'], require_tld: false, require_protocol: true },
    {
      message:
        'IMAGE_PUBLIC_BASE_URL must be an http(s) URL; it is required when IMAGE_DELIVERY=public',
    },
  )
  IMAGE_PUBLIC_BASE_URL?: string;

  /**
   * Image jobs one worker process has in hand at once: downloading, waiting for a core,
   * compressing or storing. More than the cores, so that no core waits for a download.
   */
  @IntegerSetting({ min: 1, max: 1024 })
  IMAGE_CONCURRENCY = 4 * availableParallelism();

  /** Images one worker process compresses at once, one libvips thread each: one per core. */
  @IntegerSetting({ min: 1, max: 256 })
  COMPRESSION_CONCURRENCY = availableParallelism();

  /** How hard the encoders work at the same (half) quality; see the README for the figures. */
  @IsIn(COMPRESSION_PROFILES)
  COMPRESSION_PROFILE: CompressionProfile = 'balanced';

  /**
   * Scores each compressed image against its source (SSIM). Off by default: the two extra
   * decodes and the comparison cost about as much CPU as a JPEG's compression itself.
   */
  @BooleanSetting()
  QUALITY_SCORE = false;

  /**
   * Comma-separated modern formats (`webp`, `avif`) every request gets next to its same-format
   * outputs, unless its upload names its own with the `variants` field. Empty: none.
   */
  @IsString()
  @ValidateBy({
    name: 'variantList',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseVariantList(value) !== null,
      defaultMessage: () => `OUTPUT_VARIANTS: ${VARIANT_LIST_RULE}`,
    },
  })
  OUTPUT_VARIANTS = '';

  /** AVIF variants one worker process encodes at once: each may take several cores and GBs. */
  @IntegerSetting({ min: 1, max: 64 })
  AVIF_CONCURRENCY = 1;

  /** Images larger than this many megapixels get no AVIF variant (a reason says so). */
  @IntegerSetting({ min: 1, max: 50 })
  AVIF_MAX_MEGAPIXELS = 12;

  /**
   * Reuses the stored result of an image an earlier request of the same owner processed: when
   * its URL answers `304 Not Modified` to the kept validators, or its bytes hash to a stored
   * result's under the same recipe. An upload's `refresh=true` processes every image afresh.
   */
  @BooleanSetting()
  REUSE_RESULTS = true;

  @IntegerSetting({ min: 1, max: 50 })
  IMAGE_JOB_ATTEMPTS = 3;

  @IntegerSetting({ min: 0 })
  IMAGE_JOB_BACKOFF_MS = 2000;

  @IntegerSetting({ min: 100 })
  DOWNLOAD_TIMEOUT_MS = 20000;

  @IntegerSetting({ min: 1 })
  DOWNLOAD_MAX_BYTES = 30 * 1024 * 1024;

  @IntegerSetting({ min: 0, max: 20 })
  DOWNLOAD_MAX_REDIRECTS = 5;

  /**
   * Comma-separated API keys. When set, every endpoint but the docs needs one, and a request
   * can only be read with the key that uploaded it.
   */
  @IsString()
  API_KEYS = '';

  /**
   * Uploads one API key (one client address, without API keys) may make per
   * UPLOAD_RATE_WINDOW_MS.
   */
  @IntegerSetting({ min: 1 })
  UPLOAD_RATE_LIMIT = 60;

  @IntegerSetting({ min: 1000 })
  UPLOAD_RATE_WINDOW_MS = 60_000;

  /** Lets downloads and webhooks reach private and loopback addresses (tests, intranets). */
  @BooleanSetting()
  ALLOW_PRIVATE_NETWORKS = false;

  /** Comma-separated hostnames, IPs or CIDRs reachable even though they are private. */
  @IsString()
  ALLOWED_PRIVATE_HOSTS = '';

  @IntegerSetting({ min: 1 })
  UPLOAD_MAX_BYTES = 256 * 1024 * 1024;

  @IntegerSetting({ min: 1 })
  CSV_MAX_ROWS = 1_000_000;

  @IntegerSetting({ min: 1 })
  CSV_MAX_URLS_PER_ROW = 50;

  @IntegerSetting({ min: 16 })
  CSV_MAX_URL_LENGTH = 2048;

  /** The longest product name, in characters; serial numbers are held to it too (at most 255). */
  @IntegerSetting({ min: 1 })
  CSV_MAX_FIELD_LENGTH = 1000;

  /**
   * How long an upload's `Idempotency-Key` answers a retry with the request it created; the
   * key may be used for another upload after that.
   */
  @IntegerSetting({ min: 1, max: 24 * 365 })
  IDEMPOTENCY_KEY_TTL_HOURS = 24;

  /**
   * Finished requests are deleted this many days after they finished, with their images and
   * output CSV; 0 keeps everything. Fractions are allowed (0.5 is twelve hours).
   */
  @Transform(toNumber)
  @IsNumber({ allowInfinity: false, allowNaN: false })
  @Min(0)
  RETENTION_DAYS = 30;

  /**
   * How often the background sweep looks for work left to do: requests to delete (expired, or
   * deleted by a process that stopped half-way), cancellations and retries to carry on.
   */
  @IntegerSetting({ min: 100 })
  LIFECYCLE_SWEEP_INTERVAL_MS = 10_000;

  /**
   * An upload stored whose `202` was never handed to the socket (the API stopped first) is not
   * processed, and is deleted after this long; a retry with its `Idempotency-Key` within it
   * gets the request after all.
   */
  @IntegerSetting({ min: 1000 })
  UNCONFIRMED_UPLOAD_GRACE_MS = 600_000;

  /**
   * Delays before each webhook retry, in ms; the first attempt is immediate. The default is the
   * Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
   */
  @Matches(/^\d+(,\d+)*$/, { message: 'WEBHOOK_RETRY_DELAYS_MS must be comma-separated numbers' })
  WEBHOOK_RETRY_DELAYS_MS = '5000,300000,1800000,7200000,18000000,36000000,36000000';

  @IntegerSetting({ min: 100 })
  WEBHOOK_TIMEOUT_MS = 15000;

  /**
   * A webhook lists the products of a request of up to this many products; a larger request's
   * webhook lists none and points to the output CSV instead.
   */
  @IntegerSetting({ min: 0 })
  WEBHOOK_MAX_PRODUCTS = 1000;

  /** Standard Webhooks secret (`whsec_` + base64); webhooks are unsigned without it. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^whsec_[A-Za-z0-9+/]+={0,2}$/, {
    message: 'WEBHOOK_SECRET must be "whsec_" followed by a base64 key',
  })
  WEBHOOK_SECRET?: string;

  @IntegerSetting({ min: 1 })
  KEEP_FINISHED_JOBS = 1000;

  /** How long a worker's lock on a job lasts before the job counts as stalled. */
  @IntegerSetting({ min: 500 })
  QUEUE_LOCK_DURATION_MS = 30_000;

  /** How often workers look for stalled jobs (those of a crashed worker) to run again. */
  @IntegerSetting({ min: 500 })
  QUEUE_STALLED_INTERVAL_MS = 30_000;

  /**
   * Image jobs held in Redis at most: the dispatcher tops the queue up to this from the pending
   * images in the database, so Redis memory does not grow with the backlog.
   */
  @IntegerSetting({ min: 1 })
  QUEUE_WINDOW = 5000;

  /** How often the dispatcher tops the queue up and relays the outbox. */
  @IntegerSetting({ min: 10 })
  DISPATCH_INTERVAL_MS = 500;

  /**
   * New work committed while another process's dispatcher pass runs: how often this process
   * tries again to take the dispatcher lock, until it does or another pass has begun.
   */
  @IntegerSetting({ min: 10 })
  KICK_RETRY_MS = 50;

  /**
   * How often the dispatcher checks that every image handed to the queue still has its job in
   * Redis, and how long a queued outbox job may take before it is checked too.
   */
  @IntegerSetting({ min: 100 })
  QUEUE_RESYNC_INTERVAL_MS = 30_000;

  /** Whether this process runs the dispatcher (any number of processes may). */
  @BooleanSetting()
  DISPATCHER = true;

  /**
   * The most one status answer's list of images may weigh, in bytes of JSON; a page holds fewer
   * images than asked rather than more bytes, and its `next` link goes on from there.
   */
  @IntegerSetting({ min: 16 * 1024 })
  STATUS_PAGE_MAX_BYTES = 1024 * 1024;

  /** MODE=worker: port of the health and metrics endpoints, the only HTTP it serves (default PORT). */
  @OptionalIntegerSetting({ min: 0, max: 65535 })
  HEALTH_PORT?: number;

  /** /health/ready reports the storage directory down when its disk has less free space. */
  @IntegerSetting({ min: 0 })
  HEALTH_MIN_FREE_DISK_MB = 512;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Human-readable logs instead of JSON lines; on by default when NODE_ENV=development. */
  @OptionalBooleanSetting()
  LOG_PRETTY?: boolean;

  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /** Serves the Bull Board queue dashboard at /queues (API and all-in-one modes). */
  @BooleanSetting()
  QUEUE_DASHBOARD = false;

  /** HTTP Basic password for /queues (any user name); the dashboard is open without one. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(12)
  QUEUE_DASHBOARD_PASSWORD?: string;
}

/** The environment does not hold a valid configuration; the message lists every problem. */
export class ConfigurationError extends Error {}

/** Validates the variables the service reads; every other variable is ignored. */
export function parseEnvironment(variables: Record<string, string | undefined>): Environment {
  const environment = plainToInstance(Environment, variables, { exposeDefaultValues: true });
  const errors = validateSync(environment, { skipMissingProperties: false });
  if (errors.length > 0) {
    const details = errors
      .map((error) => `  ${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`)
      .join('\n');
    throw new ConfigurationError(`Invalid configuration:\n${details}`);
  }
  return environment;
}
