import { ListObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Server } from './s3-server';
import { S3ServerProcess } from './s3-server-process';
import type { Env } from './test-app';

/** The storage drivers that every test of a request's life runs on. */
export const STORAGE_DRIVERS = ['local', 's3'] as const;
export type StorageDriverName = (typeof STORAGE_DRIVERS)[number];

/** Keys in the bucket start with this, so that a test sees the prefix is honoured. */
const S3_KEY_PREFIX = 'batches';

/**
 * Where a test's service keeps its images, seen from outside the service: a folder on local
 * disk, or a bucket of s3rver's read over the S3 protocol. `environment()` gives the settings
 * that send a service there; `store()` writes a file there as the service would, and
 * `storedUnder()` lists what is left of a request's folder.
 */
export class TestStorage {
  private constructor(
    readonly driver: StorageDriverName,
    private readonly s3: S3Server | S3ServerProcess | undefined,
    private readonly client: S3Client | undefined,
  ) {}

  /**
   * `inOwnProcess` runs s3rver in a process of its own (see S3ServerProcess), for a test that
   * measures how fast the service answers.
   */
  static async start(
    driver: StorageDriverName,
    { inOwnProcess = false } = {},
  ): Promise<TestStorage> {
    if (driver === 'local') return new TestStorage(driver, undefined, undefined);
    const s3 = await (inOwnProcess ? S3ServerProcess.start() : S3Server.start());
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return new TestStorage(driver, s3, client);
  }

  /** Settings for testEnvironment(); none for local disk (STORAGE_DIR is the test's own). */
  environment(): Env {
    return this.s3 ? { ...this.s3.environment(), S3_KEY_PREFIX } : {};
  }

  /**
   * The names of what is stored under a request's folder, sorted; null when nothing is: no
   * folder on disk (not even an empty one), no object under the folder's key prefix.
   */
  async storedUnder(env: Env, requestId: string): Promise<string[] | null> {
    if (!this.s3 || !this.client) {
      const folder = join(env.STORAGE_DIR, requestId);
      return existsSync(folder) ? readdirSync(folder).sort() : null;
    }
    const prefix = `${S3_KEY_PREFIX}/${requestId}/`;
    const names: string[] = [];
    let marker: string | undefined;
    for (;;) {
      // Version 1 of the listing: s3rver's ListObjectsV2 fails on a truncated page.
      const page = await this.client.send(
        new ListObjectsCommand({ Bucket: this.s3.bucket, Prefix: prefix, Marker: marker }),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
      names.push(...keys.map((key) => key.slice(prefix.length)));
      if (!page.IsTruncated || keys.length === 0) break;
      marker = keys.at(-1);
    }
    return names.length === 0 ? null : names.sort();
  }

  /** Writes `name` into a request's folder, where the service keeps that request's images. */
  async store(env: Env, requestId: string, name: string, body: Buffer): Promise<void> {
    if (!this.s3 || !this.client) {
      const folder = join(env.STORAGE_DIR, requestId);
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, name), body);
      return;
    }
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.s3.bucket,
        Key: `${S3_KEY_PREFIX}/${requestId}/${name}`,
        Body: body,
        ContentType: 'image/jpeg',
      }),
    );
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await this.s3?.remove();
  }
}
