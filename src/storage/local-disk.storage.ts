import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type StatsFs } from 'node:fs';
import {
  copyFile,
  link,
  lstat,
  mkdir,
  opendir,
  rename,
  rm,
  stat,
  statfs,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { removeStaleFiles } from '../common/stale-files';
import { HealthConfig, StorageConfig } from '../config/config';
import {
  BetweenBatches,
  ImageStorage,
  REMOVAL_BATCH,
  RemovedObjects,
  StorageHealth,
  StoredObject,
} from './image-storage';

/** A file being written is `<key>.<uuid>.tmp` until it is renamed to its key. */
const temporaryPathOf = (path: string): string => `${path}.${randomUUID()}.tmp`;
const TEMPORARY_FILE_NAME = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;
/** A write takes seconds; a temporary file this old was left by a process killed mid-write. */
const LEFTOVER_AFTER_MS = 60 * 60 * 1000;
/** Why a hard link may be refused where a copy works: another device, no links on the volume. */
const LINK_REFUSED = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK', 'ENOSYS']);
/** Files unlinked at once while a folder is removed: a few of the thread pool's calls at a time. */
const UNLINKS_AT_ONCE = 32;

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
    await this.makeFolderOf(path);
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

  /**
   * A hard link, which costs no bytes and survives the removal of the other name; a copy when
   * the file system takes no links. A link appears whole, so it is made under its own name at
   * once; only when that name is taken (a retry) is it linked to a temporary name and renamed
   * over it, as `save` does.
   */
  async copy(fromKey: string, toKey: string): Promise<boolean> {
    const from = this.pathOf(fromKey);
    const path = this.pathOf(toKey);
    await this.makeFolderOf(path);
    try {
      await link(from, path);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      if (code !== 'EEXIST' && !LINK_REFUSED.has(code ?? '')) throw error;
    }
    const temporary = temporaryPathOf(path);
    try {
      await link(from, temporary).catch(async (error: NodeJS.ErrnoException) => {
        if (!LINK_REFUSED.has(error.code ?? '')) throw error;
        await copyFile(from, temporary);
      });
      await rename(temporary, path);
      return true;
    } catch (error) {
      await rm(temporary, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
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

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /**
   * Reads the folder as it goes rather than whole, and unlinks a few files at a time, so that
   * neither memory nor libuv's thread pool (which every other file and DNS call shares) fills up.
   */
  async removeFolder(
    folder: string,
    betweenBatches: BetweenBatches = () => Promise.resolve(true),
  ): Promise<RemovedObjects> {
    const path = this.pathOf(folder);
    this.folders.delete(path);
    const removed: RemovedObjects = { objects: 0, bytes: 0, finished: false };
    const unlinkCounted = async (name: string): Promise<void> => {
      const file = join(path, name);
      const stats = await lstat(file).catch(() => null);
      if (!stats?.isFile()) return;
      await unlink(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      removed.objects += 1;
      removed.bytes += stats.size;
    };
    let directory;
    try {
      directory = await opendir(path, { bufferSize: UNLINKS_AT_ONCE });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...removed, finished: true };
      throw error;
    }
    let names: string[] = [];
    let batchStarted = performance.now();
    let inBatch = 0;
    for await (const entry of directory) {
      names.push(entry.name);
      if (names.length < UNLINKS_AT_ONCE) continue;
      await Promise.all(names.map(unlinkCounted));
      inBatch += names.length;
      names = [];
      if (inBatch < REMOVAL_BATCH) continue;
      if (!(await betweenBatches(performance.now() - batchStarted))) {
        await directory.close().catch(() => undefined);
        return removed;
      }
      batchStarted = performance.now();
      inBatch = 0;
    }
    await Promise.all(names.map(unlinkCounted));
    // Whatever a write that was under way meanwhile left, and the folder itself.
    await rm(path, { recursive: true, force: true });
    return { ...removed, finished: true };
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

  private async makeFolderOf(path: string): Promise<void> {
    const folder = dirname(path);
    if (this.folders.has(folder)) return;
    await mkdir(folder, { recursive: true });
    this.folders.add(folder);
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
