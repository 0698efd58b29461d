/**
 * Removes metadata from a WebP without touching its compressed image data.
 *
 * Only the extended format (a VP8X chunk first) can carry metadata; a simple WebP holds one
 * bitstream chunk and comes back as it was. Kept: VP8X, the ICC profile (ICCP), animation (ANIM,
 * and ANMF frames whole), alpha (ALPH) and the bitstreams (VP8, VP8L). Dropped: EXIF, XMP,
 * unknown chunks and anything after the RIFF payload. The VP8X EXIF and XMP flags and the RIFF
 * size are rewritten to match what is left.
 *
 * An EXIF orientation other than 1 survives as an orientation-only EXIF in place of the first.
 */
import { CannotStripMetadataError } from './cannot-strip-metadata.error';
import { reduceExifToOrientation } from './exif-orientation';

const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
const RIFF_SIZE_OFFSET = 4;
const VP8X_PAYLOAD_BYTES = 10;

const VP8X_EXIF_FLAG = 0x08;
const VP8X_XMP_FLAG = 0x04;

const CHUNKS_NEEDED_FOR_DISPLAY: ReadonlySet<string> = new Set([
  'VP8X',
  'ICCP',
  'ANIM',
  'ANMF',
  'ALPH',
  'VP8 ',
  'VP8L',
]);

/** The WebP without metadata; throws `CannotStripMetadataError` when it is not a whole WebP. */
export function stripWebpMetadata(webp: Buffer): Buffer {
  if (
    webp.length < RIFF_HEADER_BYTES ||
    webp.toString('latin1', 0, 4) !== 'RIFF' ||
    webp.toString('latin1', 8, 12) !== 'WEBP'
  ) {
    throw new CannotStripMetadataError('The WebP does not start with a RIFF WEBP header');
  }
  const riffEnd = CHUNK_HEADER_BYTES + webp.readUInt32LE(RIFF_SIZE_OFFSET);
  if (riffEnd > webp.length) {
    throw new CannotStripMetadataError(
      `The WebP ends at byte ${webp.length}, before the ${riffEnd} bytes its RIFF header claims`,
    );
  }

  const chunks = readChunks(webp, RIFF_HEADER_BYTES, riffEnd);
  if (chunks.length === 0) throw new CannotStripMetadataError('The WebP holds no chunks');
  const extended = chunks[0].type === 'VP8X';
  if (!extended) return Buffer.from(webp.subarray(0, riffEnd));
  if (chunks[0].payload.length < VP8X_PAYLOAD_BYTES) {
    throw new CannotStripMetadataError('The WebP VP8X chunk is too short');
  }

  const kept: Buffer[] = [];
  let exifSeen = false;
  let exifKept = false;
  for (const chunk of chunks) {
    if (chunk.type === 'EXIF') {
      const orientationOnly = exifSeen ? null : reduceExifToOrientation(chunk.payload);
      if (orientationOnly) kept.push(riffChunk('EXIF', orientationOnly));
      exifKept ||= orientationOnly !== null;
      exifSeen = true;
    } else if (CHUNKS_NEEDED_FOR_DISPLAY.has(chunk.type)) {
      kept.push(riffChunk(chunk.type, chunk.payload));
    }
  }

  const vp8x = kept[0];
  const flagsOffset = CHUNK_HEADER_BYTES;
  vp8x[flagsOffset] &= ~(VP8X_EXIF_FLAG | VP8X_XMP_FLAG);
  if (exifKept) vp8x[flagsOffset] |= VP8X_EXIF_FLAG;

  const header = Buffer.from(webp.subarray(0, RIFF_HEADER_BYTES));
  const body = Buffer.concat(kept);
  header.writeUInt32LE(RIFF_HEADER_BYTES - CHUNK_HEADER_BYTES + body.length, RIFF_SIZE_OFFSET);
  return Buffer.concat([header, body]);
}

interface RiffChunk {
  type: string;
  payload: Buffer;
}

function readChunks(webp: Buffer, start: number, end: number): RiffChunk[] {
  const chunks: RiffChunk[] = [];
  let offset = start;
  while (offset < end) {
    if (offset + CHUNK_HEADER_BYTES > end) {
      throw new CannotStripMetadataError(`The WebP ends inside the chunk header at byte ${offset}`);
    }
    const type = webp.toString('latin1', offset, offset + 4);
    const payloadStart = offset + CHUNK_HEADER_BYTES;
    const payloadLength = webp.readUInt32LE(offset + 4);
    const payloadEnd = payloadStart + payloadLength;
    // Payloads are padded to an even length.
    const chunkEnd = payloadEnd + (payloadLength % 2);
    if (chunkEnd > end) {
      throw new CannotStripMetadataError(
        `The WebP ends at byte ${end}, inside the ${JSON.stringify(type)} chunk at byte ${offset}`,
      );
    }
    chunks.push({ type, payload: webp.subarray(payloadStart, payloadEnd) });
    offset = chunkEnd;
  }
  return chunks;
}

/** A fresh copy, so that changing its flags leaves the source alone. */
function riffChunk(type: string, payload: Buffer): Buffer {
  const padding = payload.length % 2;
  const chunk = Buffer.alloc(CHUNK_HEADER_BYTES + payload.length + padding);
  chunk.write(type, 0, 'latin1');
  chunk.writeUInt32LE(payload.length, 4);
  payload.copy(chunk, CHUNK_HEADER_BYTES);
  return chunk;
}
