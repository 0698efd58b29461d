import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/config';
import { ImageProcessingRequest } from '../requests/image-processing-request.entity';
import { IdempotencyKey } from '../requests/idempotency-key.entity';
import { Image } from '../requests/image.entity';
import { ImageVariant } from '../requests/image-variant.entity';
import { OutboxEntry } from '../requests/outbox-entry.entity';
import { Product } from '../requests/product.entity';
import { SourceRecord } from '../requests/source-record.entity';
import { WebhookDelivery } from '../requests/webhook-delivery.entity';
import { InitialSchema1764038400000 } from './migrations/1764038400000-initial-schema';
import { RequestOwner1764043200000 } from './migrations/1764043200000-request-owner';
import { DatabaseOwnedWork1764200000000 } from './migrations/1764200000000-database-owned-work';
import { RequestsByOwner1764400000000 } from './migrations/1764400000000-requests-by-owner';
import { IdempotencyKeys1764500000000 } from './migrations/1764500000000-idempotency-keys';
import { RequestLifecycle1764600000000 } from './migrations/1764600000000-request-lifecycle';
import { QualityScores1764600000001 } from './migrations/1764600000001-quality-scores';
import { UploadFileName1764620000000 } from './migrations/1764620000000-upload-file-name';
import { UnconfirmedUploads1764700000000 } from './migrations/1764700000000-unconfirmed-uploads';
import { RequestPkColumns1764710000000 } from './migrations/1764710000000-request-pk-columns';
import { SourceRecords1764720000000 } from './migrations/1764720000000-source-records';
import { ImageVariants1764730000000 } from './migrations/1764730000000-image-variants';
import { SharedUrlIndex1764740000000 } from './migrations/1764740000000-shared-url-index';
import { SourceRecordsByRequest1764750000000 } from './migrations/1764750000000-source-records-by-request';

export const entities = [
  ImageProcessingRequest,
  Product,
  Image,
  WebhookDelivery,
  OutboxEntry,
  IdempotencyKey,
  SourceRecord,
  ImageVariant,
];
export const migrations = [
  InitialSchema1764038400000,
  RequestOwner1764043200000,
  DatabaseOwnedWork1764200000000,
  RequestsByOwner1764400000000,
  IdempotencyKeys1764500000000,
  RequestLifecycle1764600000000,
  QualityScores1764600000001,
  UploadFileName1764620000000,
  UnconfirmedUploads1764700000000,
  RequestPkColumns1764710000000,
  SourceRecords1764720000000,
  ImageVariants1764730000000,
  SharedUrlIndex1764740000000,
  SourceRecordsByRequest1764750000000,
];

/**
 * PostgreSQL when DATABASE_URL is set, otherwise an embedded SQLite file.
 * Shared by the Nest app and the TypeORM CLI (ormconfig.ts) so both run the same migrations.
 */
export function buildDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const common = {
    entities,
    migrations,
    migrationsRun: config.migrationsRun,
    synchronize: false,
  } as const;
  if (config.url) {
    return { ...common, type: 'postgres', url: config.url, poolSize: 10 };
  }
  mkdirSync(dirname(config.sqlitePath), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.sqlitePath,
    // WAL lets the API read while workers in other processes write; the busy timeout
    // makes concurrent writers wait for the lock instead of failing.
    enableWAL: true,
    timeout: 15000,
  };
}
