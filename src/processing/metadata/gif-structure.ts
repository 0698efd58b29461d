/**
 * Walks a GIF's blocks to tell whether the file is whole.
 *
 * Decoders (libvips among them) show what they could read of a truncated GIF without an error,
 * so a cut-off file is found by its structure instead: header, logical screen descriptor, global
 * colour table, then images (descriptor, local colour table, LZW data in sub-blocks) and
 * extensions (sub-blocks) up to the trailer. Anything running past the end, an unknown block, or
 * no trailer at all means the file is truncated or corrupt. The LZW data itself is not decoded.
 */

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

export const GRAPHIC_CONTROL_LABEL = 0xf9;
export const PLAIN_TEXT_LABEL = 0x01;
export const COMMENT_LABEL = 0xfe;
export const APPLICATION_LABEL = 0xff;

export type GifBlock =
  | { kind: 'image'; start: number; end: number }
  | {
      kind: 'extension';
      label: number;
      /** The 8-byte identifier and 3-byte authentication code of an application extension. */
      applicationIdentifier: string | null;
      start: number;
      end: number;
    };

export interface GifStructure {
  /** End of the header, logical screen descriptor and global colour table. */
  screenEnd: number;
  blocks: GifBlock[];
  /** Offset of the trailer byte; anything after it is not part of the GIF. */
  trailerOffset: number;
}

export type GifWalk =
  { structure: GifStructure; defect: null } | { structure: null; defect: string };

/** Why the GIF is truncated or corrupt, or null when its block structure is whole. */
export function findGifStructureDefect(gif: Buffer): string | null {
  return walkGif(gif).defect;
}

/** The GIF's blocks in file order, or what is wrong with them. */
export function walkGif(gif: Buffer): GifWalk {
  const signature = gif.toString('latin1', 0, HEADER_BYTES);
  if (signature !== 'GIF87a' && signature !== 'GIF89a') {
    return failure('it does not start with a GIF87a or GIF89a header');
  }
  const descriptorEnd = HEADER_BYTES + LOGICAL_SCREEN_DESCRIPTOR_BYTES;
  if (gif.length < descriptorEnd) {
    return failure(`it ends at byte ${gif.length}, inside the logical screen descriptor`);
  }
  const screenEnd = descriptorEnd + colourTableBytes(gif[SCREEN_PACKED_FIELDS_OFFSET]);
  if (screenEnd > gif.length) {
    return failure(`it ends at byte ${gif.length}, inside the global colour table`);
  }

  const blocks: GifBlock[] = [];
  let images = 0;
  let offset = screenEnd;
  while (offset < gif.length) {
    const introducer = gif[offset];
    if (introducer === TRAILER) {
      if (images === 0) return failure('it holds no image');
      return { structure: { screenEnd, blocks, trailerOffset: offset }, defect: null };
    }
    if (introducer === IMAGE_SEPARATOR) {
      images++;
      const where = `image ${images}`;
      const descriptorEnd = offset + IMAGE_DESCRIPTOR_BYTES;
      if (descriptorEnd > gif.length) return truncated(gif, `the descriptor of ${where}`);
      const tableEnd = descriptorEnd + colourTableBytes(gif[offset + IMAGE_PACKED_FIELDS_OFFSET]);
      // The LZW minimum code size byte follows the colour table.
      if (tableEnd + 1 > gif.length) return truncated(gif, `the colour table of ${where}`);
      const end = skipSubBlocks(gif, tableEnd + 1);
      if (end === null) return truncated(gif, `the LZW data of ${where}`);
      blocks.push({ kind: 'image', start: offset, end });
      offset = end;
    } else if (introducer === EXTENSION_INTRODUCER) {
      if (offset + 2 > gif.length) return truncated(gif, `the extension at byte ${offset}`);
      const label = gif[offset + 1];
      const end = skipSubBlocks(gif, offset + 2);
      if (end === null) return truncated(gif, `the extension at byte ${offset}`);
      const applicationIdentifier =
        label === APPLICATION_LABEL && gif[offset + 2] === APPLICATION_IDENTIFIER_BYTES
          ? gif.toString('latin1', offset + 3, offset + 3 + APPLICATION_IDENTIFIER_BYTES)
          : null;
      blocks.push({ kind: 'extension', label, applicationIdentifier, start: offset, end });
      offset = end;
    } else {
      return failure(`it has an unknown block type 0x${introducer.toString(16)} at byte ${offset}`);
    }
  }
  return failure(
    `it ends at byte ${gif.length} after ${images} ${images === 1 ? 'image' : 'images'}, ` +
      'without the trailer that closes a whole GIF',
  );
}

/** A colour table has 2^(n+1) entries of 3 bytes when its flag is set. */
function colourTableBytes(packedFields: number): number {
  if ((packedFields & COLOUR_TABLE_FLAG) === 0) return 0;
  return BYTES_PER_COLOUR * 2 ** ((packedFields & COLOUR_TABLE_SIZE_BITS) + 1);
}

/** Offset just past the zero-length block that ends a run of sub-blocks, or null at the end. */
function skipSubBlocks(gif: Buffer, start: number): number | null {
  let offset = start;
  while (offset < gif.length) {
    const size = gif[offset];
    offset += 1 + size;
    if (size === 0) return offset;
  }
  return null;
}

function truncated(gif: Buffer, where: string): GifWalk {
  return failure(`it ends at byte ${gif.length}, inside ${where}`);
}

function failure(defect: string): GifWalk {
  return { structure: null, defect };
}
