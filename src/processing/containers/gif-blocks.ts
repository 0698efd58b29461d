/**
 * Walks a GIF's blocks once, to tell whether the file is whole and whether it carries metadata.
 *
 * Decoders (libvips among them) show what they could read of a truncated GIF without an error,
 * so a cut-off file is found by its structure instead: header, logical screen descriptor, global
 * colour table, then images (descriptor, local colour table, LZW data in sub-blocks) and
 * extensions (sub-blocks) up to the trailer. The LZW data itself is not decoded.
 *
 * It runs on the main thread on up to the download cap, so it keeps no record per block: a file
 * of ten million empty comments costs one pass and no memory; and it pauses for the event loop
 * whenever its slice of time is spent.
 */
import { EventLoopSlice } from './event-loop-slice';

const HEADER_BYTES = 6;
const LOGICAL_SCREEN_DESCRIPTOR_BYTES = 7;
const SCREEN_PACKED_FIELDS_OFFSET = 10;
const IMAGE_DESCRIPTOR_BYTES = 10;
const IMAGE_PACKED_FIELDS_OFFSET = 9;
const COLOUR_TABLE_FLAG = 0x80;
const COLOUR_TABLE_SIZE_BITS = 0x07;
const BYTES_PER_COLOUR = 3;
const APPLICATION_IDENTIFIER_BYTES = 11;

const IMAGE_SEPARATOR = 0x2c;
const EXTENSION_INTRODUCER = 0x21;
const TRAILER = 0x3b;
const GRAPHIC_CONTROL_LABEL = 0xf9;
const APPLICATION_LABEL = 0xff;

/** Application extensions that change how the image is shown: the loop count. */
const LOOPING_APPLICATIONS = [
  Buffer.from('NETSCAPE2.0', 'latin1'),
  Buffer.from('ANIMEXTS1.0', 'latin1'),
];

export interface GifWalk {
  /** Why the GIF is truncated or corrupt, or null when its block structure is whole. */
  defect: string | null;
  /** The first block that may carry metadata (comments, text, foreign application data). */
  metadata: string | null;
}

export async function walkGif(gif: Buffer): Promise<GifWalk> {
  const signature = gif.toString('latin1', 0, HEADER_BYTES);
  if (signature !== 'GIF87a' && signature !== 'GIF89a') {
    return defect('it does not start with a GIF87a or GIF89a header');
  }
  const descriptorEnd = HEADER_BYTES + LOGICAL_SCREEN_DESCRIPTOR_BYTES;
  if (gif.length < descriptorEnd) {
    return defect(`it ends at byte ${gif.length}, inside the logical screen descriptor`);
  }
  const screenEnd = descriptorEnd + colourTableBytes(gif[SCREEN_PACKED_FIELDS_OFFSET]);
  if (screenEnd > gif.length) {
    return defect(`it ends at byte ${gif.length}, inside the global colour table`);
  }

  const slice = new EventLoopSlice();
  let metadata: string | null = null;
  let images = 0;
  /** While sub-blocks are skipped: where the block they belong to starts; else -1. */
  let subBlocksOwner = -1;
  let offset = screenEnd;
  while (offset < gif.length) {
    if (slice.due()) await slice.pause();
    if (subBlocksOwner >= 0) {
      const size = gif[offset];
      offset += 1 + size;
      if (size === 0) subBlocksOwner = -1;
      continue;
    }
    const introducer = gif[offset];
    if (introducer === TRAILER) {
      if (images === 0) return defect('it holds no image');
      if (offset + 1 < gif.length) metadata ??= `data after the trailer, at byte ${offset + 1}`;
      return { defect: null, metadata };
    }
    if (introducer === IMAGE_SEPARATOR) {
      images++;
      const tableStart = offset + IMAGE_DESCRIPTOR_BYTES;
      if (tableStart > gif.length) return truncated(gif, `the descriptor of image ${images}`);
      const tableEnd = tableStart + colourTableBytes(gif[offset + IMAGE_PACKED_FIELDS_OFFSET]);
      // The LZW minimum code size byte follows the colour table.
      if (tableEnd + 1 > gif.length) return truncated(gif, `the colour table of image ${images}`);
      subBlocksOwner = offset;
      offset = tableEnd + 1;
    } else if (introducer === EXTENSION_INTRODUCER) {
      if (offset + 2 > gif.length) return truncated(gif, `the extension at byte ${offset}`);
      if (metadata === null && !isNeededForDisplay(gif, offset)) {
        metadata = `an extension with label 0x${gif[offset + 1].toString(16)} at byte ${offset}`;
      }
      subBlocksOwner = offset;
      offset += 2;
    } else {
      return defect(`it has an unknown block type 0x${introducer.toString(16)} at byte ${offset}`);
    }
  }
  if (subBlocksOwner >= 0) {
    return gif[subBlocksOwner] === IMAGE_SEPARATOR
      ? truncated(gif, `the LZW data of image ${images}`)
      : truncated(gif, `the extension at byte ${subBlocksOwner}`);
  }
  return defect(
    `it ends at byte ${gif.length} after ${images} ${images === 1 ? 'image' : 'images'}, ` +
      'without the trailer that closes a whole GIF',
  );
}

/** Frame timing and transparency, and the loop count; comments, text and the rest are not. */
function isNeededForDisplay(gif: Buffer, offset: number): boolean {
  const label = gif[offset + 1];
  if (label === GRAPHIC_CONTROL_LABEL) return true;
  if (label !== APPLICATION_LABEL || gif[offset + 2] !== APPLICATION_IDENTIFIER_BYTES) return false;
  const identifierStart = offset + 3;
  return LOOPING_APPLICATIONS.some(
    (identifier) =>
      gif.compare(
        identifier,
        0,
        identifier.length,
        identifierStart,
        identifierStart + identifier.length,
      ) === 0,
  );
}

/** A colour table has 2^(n+1) entries of 3 bytes when its flag is set. */
function colourTableBytes(packedFields: number): number {
  if ((packedFields & COLOUR_TABLE_FLAG) === 0) return 0;
  return BYTES_PER_COLOUR * 2 ** ((packedFields & COLOUR_TABLE_SIZE_BITS) + 1);
}

function truncated(gif: Buffer, where: string): GifWalk {
  return defect(`it ends at byte ${gif.length}, inside ${where}`);
}

function defect(reason: string): GifWalk {
  return { defect: reason, metadata: null };
}
