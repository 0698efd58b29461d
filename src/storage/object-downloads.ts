import { HttpStatus, Injectable, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { DeliveryConfig } from '../config/config';
import { ImageStorage } from './image-storage';

/** How a download of a stored object is answered: its bytes, or a redirect to the store. */
export type ObjectDownload =
  | { kind: 'stream'; stream: Readable; size: number | undefined }
  | { kind: 'redirect'; url: string };

/**
 * What the API's download routes answer for a stored object. With IMAGE_DELIVERY=redirect, a
 * presigned URL of it, so that the bytes do not pass through the API; otherwise the bytes, also
 * with public delivery, where the API's routes keep working for clients that call them.
 */
@Injectable()
export class ObjectDownloads {
  constructor(
    private readonly storage: ImageStorage,
    private readonly delivery: DeliveryConfig,
  ) {}

  /** Null when the object does not exist. */
  async download(key: string, contentDisposition: string): Promise<ObjectDownload | null> {
    switch (this.delivery.mode) {
      case 'redirect': {
        const url = await this.storage.presignedUrl(key, {
          expiresInSeconds: this.delivery.presignedUrlTtlSeconds,
          contentDisposition,
        });
        return url === null ? null : { kind: 'redirect', url };
      }
      case 'proxy':
      case 'public': {
        const stored = await this.storage.open(key);
        return stored && { kind: 'stream', stream: stored.stream, size: stored.size };
      }
    }
  }
}

/**
 * The answer of a download route, for a handler that takes `@Res({ passthrough: true })`: a 302 to
 * the store for a redirect (the response is then complete), the bytes otherwise.
 */
export function answerDownload(
  download: ObjectDownload,
  response: Response,
  file: { type: string; disposition: string },
): StreamableFile | undefined {
  if (download.kind === 'redirect') {
    response.status(HttpStatus.FOUND).setHeader('Location', download.url);
    return undefined;
  }
  return new StreamableFile(download.stream, { ...file, length: download.size });
}
