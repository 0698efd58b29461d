/**
 * Removes metadata (EXIF, XMP, IPTC, comments, text, maker data) from an image without
 * re-encoding it: the compressed image data is copied bit for bit, so the pixels cannot change.
 *
 * What affects how the image looks stays: colour profiles and colour information, transparency,
 * animation and looping, and an EXIF orientation other than 1, kept as an EXIF holding nothing
 * else, because the service's re-encoded images are turned upright and a kept source must look
 * the same. The output is never longer than the source. Each format's module lists exactly what
 * it keeps.
 */
import { ImageFormat } from '../../storage/image-formats';
import { stripAvifMetadata } from './avif-metadata';
import { CannotStripMetadataError } from './cannot-strip-metadata.error';
import { stripGifMetadata } from './gif-metadata';
import { stripJpegMetadata } from './jpeg-metadata';
import { stripPngMetadata } from './png-metadata';
import { stripWebpMetadata } from './webp-metadata';

export { CannotStripMetadataError } from './cannot-strip-metadata.error';

/**
 * The image in `format` without its metadata, as a new buffer.
 *
 * @throws CannotStripMetadataError when the bytes are not a whole, well-formed image of that
 *   format (truncated, corrupt, another format), or, for AVIF, when the file is built in a way
 *   whose metadata cannot be removed safely. Nothing else is thrown, whatever the input.
 */
export function stripMetadata(source: Buffer, format: ImageFormat): Buffer {
  try {
    switch (format) {
      case 'jpeg':
        return stripJpegMetadata(source);
      case 'png':
        return stripPngMetadata(source);
      case 'webp':
        return stripWebpMetadata(source);
      case 'gif':
        return stripGifMetadata(source);
      case 'avif':
        return stripAvifMetadata(source);
    }
  } catch (error) {
    // A read past the end of the buffer is a file shorter than its own lengths say.
    if (error instanceof RangeError) {
      throw new CannotStripMetadataError(
        `The ${format.toUpperCase()} file is shorter than its own structure claims: ${error.message}`,
      );
    }
    throw error;
  }
}
