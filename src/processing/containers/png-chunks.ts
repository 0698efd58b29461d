/**
 * Finds what in a PNG (or APNG) may carry metadata, by walking its chunks once. Chunk types are
 * compared as numbers, so the walk allocates nothing per chunk, and it pauses for the event
 * loop whenever its slice of time is spent.
 */
import { EventLoopSlice } from './event-loop-slice';
import { fourCc, fourCcName } from './four-cc';
import { MalformedContainerError } from './malformed-container.error';

const PNG_SIGNATURE_BYTES = 8;
const CHUNK_OVERHEAD_BYTES = 12;
/** Bit 5 of a chunk type's first letter: lower case marks an ancillary chunk. */
const ANCILLARY_BIT = 0x20_00_00_00;
const IMAGE_END = fourCc('IEND');

/** Ancillary chunks that change how the image looks; every other one may carry metadata. */
const ANCILLARY_CHUNKS_NEEDED_FOR_DISPLAY: ReadonlySet<number> = new Set(
  [
    'tRNS',
    'iCCP',
    'sRGB',
    'gAMA',
    'cHRM',
    'cICP',
    'mDCV',
    'cLLI',
    'sBIT',
    'bKGD',
    'pHYs',
    'acTL',
    'fcTL',
    'fdAT',
  ].map(fourCc),
);

/**
 * The first chunk of the PNG that may carry metadata (text, EXIF, time, private chunks, or bytes
 * after IEND), or null when it has none.
 *
 * @throws MalformedContainerError when a chunk runs past the end or IEND is missing.
 */
export async function findPngMetadata(png: Buffer): Promise<string | null> {
  const slice = new EventLoopSlice();
  let offset = PNG_SIGNATURE_BYTES;
  for (;;) {
    if (slice.due()) await slice.pause();
    if (offset + CHUNK_OVERHEAD_BYTES > png.length) {
      throw new MalformedContainerError(`The PNG ends at byte ${png.length} without an IEND chunk`);
    }
    const length = png.readUInt32BE(offset);
    const type = png.readUInt32BE(offset + 4);
    const end = offset + CHUNK_OVERHEAD_BYTES + length;
    if (end > png.length) {
      throw new MalformedContainerError(`The PNG chunk at byte ${offset} runs past its end`);
    }
    if (type === IMAGE_END) {
      return end < png.length ? `data after the IEND chunk, at byte ${end}` : null;
    }
    const isAncillary = (type & ANCILLARY_BIT) !== 0;
    if (isAncillary && !ANCILLARY_CHUNKS_NEEDED_FOR_DISPLAY.has(type)) {
      return `a ${fourCcName(type)} chunk at byte ${offset}`;
    }
    offset = end;
  }
}
