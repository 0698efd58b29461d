import { Readable } from 'node:stream';

export interface StoredObject {
  stream: Readable;
  size: number;
}

/**
 * Where compressed images and output CSVs live. Local disk is the default; any store that can
 * write and stream back a key (a shared volume, an S3-compatible bucket) can take its place.
 * Keys come from `StorageKeys` only, never from user input.
 */
export abstract class ImageStorage {
  /**
   * Writes (or overwrites) an object atomically: a reader sees the old object or the whole new
   * one, never part of it. A stream is written as it comes, never held whole.
   */
  abstract save(key: string, data: Buffer | Readable, contentType: string): Promise<void>;
  /** Opens an object for reading; null when it does not exist. */
  abstract open(key: string): Promise<StoredObject | null>;
}
