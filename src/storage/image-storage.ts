import { Readable } from 'node:stream';

export interface StoredObject {
  stream: Readable;
  size: number;
}

/**
 * Where compressed images live. Local disk is the default; any store that can write and
 * stream back a key (a shared volume, an S3-compatible bucket) can take its place.
 * Keys are built from ids only, never from user input.
 */
export abstract class ImageStorage {
  /** Writes (or overwrites) an object atomically. */
  abstract save(key: string, data: Buffer): Promise<void>;
  /** Opens an object for reading; null when it does not exist. */
  abstract open(key: string): Promise<StoredObject | null>;
}
