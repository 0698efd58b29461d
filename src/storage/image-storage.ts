import { Readable } from 'node:stream';

export interface StoredObject {
  stream: Readable;
  size: number;
}

export interface PresignOptions {
  expiresInSeconds: number;
  /** The `Content-Disposition` the download is answered with. */
  contentDisposition: string;
}

/** What a removal took away. */
export interface RemovedObjects {
  objects: number;
  bytes: number;
  finished: boolean;
}

/**
 * Objects listed and removed at once. S3's DeleteObjects takes up to 1,000 keys, but the SDK's
 * CPU per key grows with the page: a listing of 1,000 keys cost 54–117 ms of CPU where four of
 * 250 cost 24 ms, and a DeleteObjects of 1,000 keys 34–45 ms where four of 250 cost 16 ms.
 */
export const REMOVAL_BATCH = 250;

/**
 * Called between two batches of a folder's removal with how long the batch took; it waits as
 * long as the caller wants the store left to others, and says whether to go on.
 */
export type BetweenBatches = (batchMs: number) => Promise<boolean>;

/** Whether the store can take the next objects, and what was measured to tell. */
export interface StorageHealth {
  usable: boolean;
  /** Why not, when it cannot. */
  message?: string;
  details: Record<string, string | number>;
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
  /**
   * Makes `toKey` an object of its own with the bytes of `fromKey`, cheaply where the store can
   * (a hard link, a server-side copy): removing either afterwards leaves the other whole.
   * False when `fromKey` does not exist.
   */
  abstract copy(fromKey: string, toKey: string): Promise<boolean>;
  /** Opens an object for reading; null when it does not exist. */
  abstract open(key: string): Promise<StoredObject | null>;
  /**
   * A URL from which anyone may download the object until it expires; null when the object does
   * not exist. Only a store with its own HTTP endpoint can give one.
   */
  abstract presignedUrl(key: string, options: PresignOptions): Promise<string | null>;
  /** For readiness: whether objects can be written now. */
  abstract check(): Promise<StorageHealth>;
  /** Removes an object; one that does not exist is no error. */
  abstract remove(key: string): Promise<void>;
  /**
   * Removes every object whose key starts with `folder/`, a bounded batch at a time, so that a
   * folder of a million objects neither fills memory nor holds up other work. Returns what it
   * removed, and `finished: false` when `betweenBatches` said to stop; a folder that does not
   * exist is no error.
   */
  abstract removeFolder(folder: string, betweenBatches?: BetweenBatches): Promise<RemovedObjects>;

  /**
   * Removes what writes that were cut short (a killed process) left behind; returns how many
   * objects. A store whose writes leave nothing behind has nothing to do.
   */
  removeLeftovers(_signal?: AbortSignal): Promise<number> {
    return Promise.resolve(0);
  }
}
