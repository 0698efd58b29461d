import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { StorageConfig } from '../config/config';
import { ImageStorage, StoredObject } from './image-storage';

@Injectable()
export class LocalDiskStorage extends ImageStorage {
  private readonly root: string;

  constructor(config: StorageConfig) {
    super();
    this.root = resolve(config.directory);
  }

  async save(key: string, data: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename: a reader never sees half a file, and a retried job replaces the file.
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      await writeFile(temporary, data);
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
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
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
