import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type StatsFs } from 'node:fs';
import { mkdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { removeStaleFiles } from '../common/stale-files';
import { HealthConfig, StorageConfig } from '../config/config';
import { ImageStorage, StorageHealth, StoredObject } from './image-storage';

/** A file being written is `<key>.<uuid>.tmp` until it is renamed to its key. */
const temporaryPathOf = (path: string): string => `${path}.${randomUUID()}.tmp`;
const TEMPORARY_FILE_NAME = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;
/** A write takes seconds; a temporary file this old was left by a process killed mid-write. */
const LEFTOVER_AFTER_MS = 60 * 60 * 1000;

/** Objects as files under STORAGE_DIR, one folder per request. */
@Injectable()
export class LocalDiskStorage extends ImageStorage {
  private readonly root: string;
  /** Folders known to exist: each request's folder is made once, not once per image. */
  private readonly folders = new Set<string>();

  constructor(
    config: StorageConfig,
    private readonly health: HealthConfig,
  ) {
    super();
    this.root = resolve(config.directory);
  }

  async save(key: string, data: Buffer | Readable): Promise<void> {
    const path = this.pathOf(key);
    const folder = dirname(path);
    if (!this.folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.folders.add(folder);
    }
    // Write then rename: a reader never sees half a file, and a retried job replaces the file.
    const temporary = temporaryPathOf(path);
    try {
      if (Buffer.isBuffer(data)) await writeFile(temporary, data);
      else await pipeline(data, createWriteStream(temporary));
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async open(key: string): Promise<StoredObject | null> {
    const path = this.pathOf(key);
    try {
      const stats = await stat(path);
      if (!stats.isFile()) return null;
      return { stream: createReadStream(path), size: stats.size };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return null;
      throw error;
    }
  }

  /** Removes the temporary files of writes killed mid-way; returns how many. */
  override removeLeftovers(signal?: AbortSignal): Promise<number> {
    return removeStaleFiles({
      directory: this.root,
      matches: (name) => TEMPORARY_FILE_NAME.test(name),
      olderThanMs: LEFTOVER_AFTER_MS,
      recursive: true,
      signal,
    });
  }

  /** Files are served by the API (or a web server of one's own), never from a signed URL. */
  presignedUrl(): Promise<string | null> {
    return Promise.reject(
      new Error('Local disk storage cannot presign URLs; use STORAGE_DRIVER=s3'),
    );
  }

  /**
   * Free space on the disk of STORAGE_DIR. An absolute minimum rather than a percentage: what
   * matters is room for the next images, whatever the volume's size. The folder is created by
   * the first stored object, so until then its nearest existing ancestor (the same file system
   * once it exists, in every usual layout) is measured.
   */
  async check(): Promise<StorageHealth> {
    const stats = await statfsOfNearestExisting(this.root);
    const freeBytes = stats.bavail * stats.bsize;
    const details = { freeBytes, minFreeBytes: this.health.minFreeDiskBytes };
    return freeBytes >= this.health.minFreeDiskBytes
      ? { usable: true, details }
      : { usable: false, message: 'Not enough free disk space for images', details };
  }

  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith('..') || inside.split(sep).includes('..')) {
      throw new Error(`Storage key escapes the storage directory: ${key}`);
    }
    return path;
  }
}

async function statfsOfNearestExisting(path: string): Promise<StatsFs> {
  try {
    return await statfs(path);
  } catch (error) {
    const parent = dirname(path);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw error;
    return statfsOfNearestExisting(parent);
  }
}
