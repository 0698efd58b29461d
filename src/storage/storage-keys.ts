import { IMAGE_FORMATS, ImageFormat } from './image-formats';

/** What the key of a stored image is made of; ids only, never user input. */
export const OUTPUT_CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

export interface ImageKeyParts {
  requestId: string;
  rowNumber: number;
  position: number;
  format: ImageFormat;
}

export interface ResolvedImageKey {
  key: string;
  contentType: string;
}

/** Row numbers and positions are database integers: nine digits are more than enough. */
const IMAGE_FILE_NAME = /^([1-9]\d{0,8})-([1-9]\d{0,8})\.([a-z]+)$/;
const FORMAT_BY_EXTENSION = new Map<string, ImageFormat>(
  Object.entries(IMAGE_FORMATS).map(([format, { extension }]) => [
    extension,
    format as ImageFormat,
  ]),
);

/**
 * The one owner of the storage layout: `<request id>/<row>-<position>.<extension>` for a
 * compressed image and for each of its WebP and AVIF variants (a variant is never made in the
 * image's own format, so the extension tells them apart), `<request id>/<row>-<position>.source`
 * for the source kept while its variants are encoded, and `<request id>/output.csv` for the
 * output CSV. Everything that writes, serves or links to a stored object asks here.
 */
export const StorageKeys = {
  /** The folder that holds every object of a request. */
  requestFolder(requestId: string): string {
    return requestId;
  },

  outputCsv(requestId: string): string {
    return `${requestId}/output.csv`;
  },

  image({ requestId, rowNumber, position, format }: ImageKeyParts): string {
    return `${requestId}/${rowNumber}-${position}.${IMAGE_FORMATS[format].extension}`;
  },

  /** A WebP or AVIF variant, beside the image's same-format output. */
  variant(parts: ImageKeyParts): string {
    return StorageKeys.image(parts);
  },

  /**
   * The downloaded source of an image with variants to encode, kept until they are; never
   * served (its extension is no image format's).
   */
  variantSource({ requestId, rowNumber, position }: Omit<ImageKeyParts, 'format'>): string {
    return `${requestId}/${rowNumber}-${position}.source`;
  },

  /**
   * The key and content type behind a file name a client asked for under a request, or null
   * when the name cannot be a stored image's.
   */
  resolveImage(requestId: string, fileName: string): ResolvedImageKey | null {
    const match = IMAGE_FILE_NAME.exec(fileName);
    const format = match ? FORMAT_BY_EXTENSION.get(match[3]) : undefined;
    if (!format) return null;
    return { key: `${requestId}/${fileName}`, contentType: IMAGE_FORMATS[format].contentType };
  },
};
