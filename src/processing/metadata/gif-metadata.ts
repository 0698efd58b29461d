/**
 * Removes metadata from a GIF without touching its compressed image data.
 *
 * Kept: the header, screen and colour tables, every image, graphic control extensions (frame
 * delay, disposal, transparency), plain text extensions (which are drawn), and the application
 * extensions that change how the image is shown: the loop count (NETSCAPE2.0 or ANIMEXTS1.0) and
 * the ICC profile (ICCRGBG1012). Dropped: comments, every other application extension (XMP's
 * `XMP DataXMP` among them), unknown extensions and anything after the trailer.
 *
 * GIF has no EXIF, so there is no orientation to keep.
 */
import { CannotStripMetadataError } from './cannot-strip-metadata.error';
import {
  APPLICATION_LABEL,
  GifBlock,
  GRAPHIC_CONTROL_LABEL,
  PLAIN_TEXT_LABEL,
  walkGif,
} from './gif-structure';

const APPLICATIONS_NEEDED_FOR_DISPLAY: ReadonlySet<string> = new Set([
  'NETSCAPE2.0',
  'ANIMEXTS1.0',
  'ICCRGBG1012',
]);

/** The GIF without metadata; throws `CannotStripMetadataError` when it is not a whole GIF. */
export function stripGifMetadata(gif: Buffer): Buffer {
  const { structure, defect } = walkGif(gif);
  if (!structure) throw new CannotStripMetadataError(`The GIF cannot be read: ${defect}`);
  const kept = structure.blocks
    .filter(isNeededForDisplay)
    .map((block) => gif.subarray(block.start, block.end));
  const trailer = gif.subarray(structure.trailerOffset, structure.trailerOffset + 1);
  return Buffer.concat([gif.subarray(0, structure.screenEnd), ...kept, trailer]);
}

function isNeededForDisplay(block: GifBlock): boolean {
  if (block.kind === 'image') return true;
  switch (block.label) {
    case GRAPHIC_CONTROL_LABEL:
    case PLAIN_TEXT_LABEL:
      return true;
    case APPLICATION_LABEL:
      return APPLICATIONS_NEEDED_FOR_DISPLAY.has(block.applicationIdentifier ?? '');
    default:
      return false;
  }
}
