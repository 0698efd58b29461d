import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  NoSuchKey,
  NotFound,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { OnModuleDestroy } from '@nestjs/common';
import { Readable } from 'node:stream';
import { S3BucketConfig } from '../config/config';
import {
  BetweenBatches,
  ImageStorage,
  PresignOptions,
  REMOVAL_BATCH,
  RemovedObjects,
  StorageHealth,
  StoredObject,
} from './image-storage';

/**
 * A key's bytes are final once its URL is handed out: an image is recorded once, the output CSV
 * is written before its request is marked finished. Only a late duplicate of a job (which
 * fetches the source again) can rewrite a key, so caches may keep an object for a day, and are
 * not told it is immutable.
 */
export const STORED_OBJECT_CACHE_CONTROL = 'public, max-age=86400';

const CONNECTION_TIMEOUT_MS = 5000;
const CHECK_TIMEOUT_MS = 2000;

/**
 * Objects in an S3-compatible bucket, each key under S3_KEY_PREFIX. Credentials come from the
 * AWS SDK's default chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, or the role
 * of the machine or container.
 */
export class S3Storage extends ImageStorage implements OnModuleDestroy {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly keyPrefix: string;

  constructor(config: S3BucketConfig) {
    super();
    this.bucket = config.bucket;
    this.keyPrefix = config.keyPrefix;
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      // s3rver, older MinIO and R2 refuse the checksum trailers the SDK adds by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS },
    });
  }

  /**
   * One PUT for what fits a part (5 MiB), a multipart upload beyond, for a stream of unknown
   * length too (the output CSV). S3 shows either whole once it completes, never part of it.
   */
  async save(key: string, data: Buffer | Readable, contentType: string): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: data,
        ContentType: contentType,
        CacheControl: STORED_OBJECT_CACHE_CONTROL,
      },
    });
    await upload.done();
  }

  /** A server-side CopyObject: the bytes never leave the bucket. */
  async copy(fromKey: string, toKey: string): Promise<boolean> {
    const source = `${this.bucket}/${this.objectKey(fromKey)}`;
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKey(toKey),
          CopySource: encodeURI(source),
          MetadataDirective: 'COPY',
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof NoSuchKey ||
        (error instanceof S3ServiceException && error.name === 'NoSuchKey')
      )
        return false;
      throw error;
    }
  }

  async open(key: string): Promise<StoredObject | null> {
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) });
    const object = await this.client.send(command).catch((error: unknown) => {
      if (error instanceof NoSuchKey) return null;
      throw error;
    });
    if (!object) return null;
    if (!(object.Body instanceof Readable) || object.ContentLength === undefined) {
      throw new Error(`GetObject ${command.input.Key} answered without a body stream or length`);
    }
    return { stream: object.Body, size: object.ContentLength };
  }

  async presignedUrl(key: string, options: PresignOptions): Promise<string | null> {
    const location = { Bucket: this.bucket, Key: this.objectKey(key) };
    try {
      await this.client.send(new HeadObjectCommand(location));
    } catch (error) {
      if (error instanceof NotFound) return null;
      throw error;
    }
    const command = new GetObjectCommand({
      ...location,
      ResponseContentDisposition: options.contentDisposition,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  async check(): Promise<StorageHealth> {
    const details = { bucket: this.bucket };
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
        abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      });
      return { usable: true, details };
    } catch (error) {
      return { usable: false, message: `S3 bucket: ${reasonOf(error)}`, details };
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
    );
  }

  /** One page of the listing, then one DeleteObjects of that page, in turn. */
  async removeFolder(
    folder: string,
    betweenBatches: BetweenBatches = () => Promise.resolve(true),
  ): Promise<RemovedObjects> {
    const removed: RemovedObjects = { objects: 0, bytes: 0, finished: false };
    const prefix = `${this.objectKey(folder)}/`;
    for (;;) {
      const started = performance.now();
      // Deleted keys leave the listing, so every page is read from the start of the folder and
      // no continuation is needed: the first version of ListObjects does, and every
      // S3-compatible store (s3rver included, whose ListObjectsV2 fails on a truncated page
      // under OpenSSL 3) answers it.
      const page = await this.client.send(
        new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, MaxKeys: REMOVAL_BATCH }),
      );
      const objects = (page.Contents ?? []).filter((object) => object.Key !== undefined);
      if (objects.length === 0) return { ...removed, finished: true };
      const deleted = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: objects.map((object) => ({ Key: object.Key })), Quiet: true },
        }),
      );
      const errors = deleted.Errors ?? [];
      if (errors.length > 0) {
        const [first] = errors;
        throw new Error(
          `DeleteObjects left ${errors.length} objects: ${first.Key ?? '?'} ${first.Code ?? ''}`,
        );
      }
      removed.objects += objects.length;
      removed.bytes += objects.reduce((sum, object) => sum + (object.Size ?? 0), 0);
      if (!(await betweenBatches(performance.now() - started))) return removed;
    }
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    return this.keyPrefix + key;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof S3ServiceException) {
    return `${error.name} (HTTP ${error.$metadata.httpStatusCode ?? 'no status'})`;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return `no answer within ${CHECK_TIMEOUT_MS} ms`;
  }
  return error instanceof Error ? error.message : String(error);
}
