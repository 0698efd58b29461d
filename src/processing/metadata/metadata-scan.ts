/**
 * Tells whether an image may carry metadata (EXIF, XMP, IPTC, comments, text), by its container
 * structure alone, without sharp: the reader that every stored image is checked with, and that
 * decides whether a source can be kept as it is.
 *
 * Each format is walked once, allocating nothing per chunk, box, segment or block, on the main
 * thread, in slices that let the event loop run between them (the timing spec holds each walker
 * to a short longest slice and a linear total). Anything the walk does not know to be needed for display counts as
 * metadata: a false alarm only costs the bytes of a re-encoded image, never a leak.
 */
import { ImageFormat } from '../../storage/image-formats';
import { findAvifMetadata } from '../containers/avif-boxes';
import { walkGif } from '../containers/gif-blocks';
import { MalformedContainerError } from '../containers/malformed-container.error';
import { findPngMetadata } from '../containers/png-chunks';
import { findWebpMetadata } from '../containers/webp-chunks';
import { findJpegMetadata } from './jpeg-metadata';

/**
 * What in the image may carry metadata, or null when it provably carries none. A structure
 * that cannot be read is an answer too ("its structure cannot be read: …"); nothing is thrown.
 */
export async function findMetadata(image: Buffer, format: ImageFormat): Promise<string | null> {
  try {
    return await findMetadataOf(image, format);
  } catch (error) {
    // A read past the end of the buffer is a file shorter than its own lengths say.
    if (error instanceof MalformedContainerError || error instanceof RangeError) {
      return `its structure cannot be read: ${error.message}`;
    }
    throw error;
  }
}

async function findMetadataOf(image: Buffer, format: ImageFormat): Promise<string | null> {
  switch (format) {
    case 'jpeg':
      return findJpegMetadata(image);
    case 'png':
      return findPngMetadata(image);
    case 'webp':
      return findWebpMetadata(image);
    case 'gif': {
      const { defect, metadata } = await walkGif(image);
      return defect === null ? metadata : `its structure cannot be read: ${defect}`;
    }
    case 'avif':
      return findAvifMetadata(image);
  }
}
