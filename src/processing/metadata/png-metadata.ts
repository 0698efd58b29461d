/**
 * Removes metadata from a PNG (or APNG) without touching its compressed image data.
 *
 * Chunks are copied whole, so their CRCs stay valid. Kept: every critical chunk; transparency
 * (tRNS); colour (iCCP, sRGB, gAMA, cHRM, cICP, mDCV, cLLI, sBIT); the background colour (bKGD)
 * and pixel size (pHYs); APNG animation (acTL, fcTL, fdAT). Every other ancillary chunk goes:
 * text (tEXt, zTXt, iTXt, where XMP lives), EXIF (eXIf), time (tIME), signatures and private
 * chunks. Anything after IEND goes too.
 *
 * An EXIF orientation other than 1 survives as an orientation-only eXIf in place of the first.
 */
import { crc32 } from 'zlib';
import { CannotStripMetadataError } from './cannot-strip-metadata.error';
import { reduceExifToOrientation } from './exif-orientation';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const LENGTH_BYTES = 4;
const TYPE_BYTES = 4;
const CRC_BYTES = 4;
const CHUNK_OVERHEAD_BYTES = LENGTH_BYTES + TYPE_BYTES + CRC_BYTES;
const MAX_CHUNK_LENGTH = 2 ** 31 - 1;
/** Bit 5 of a chunk type's first letter: lower case marks an ancillary chunk. */
const ANCILLARY_BIT = 0x20;

const ANCILLARY_CHUNKS_NEEDED_FOR_DISPLAY: ReadonlySet<string> = new Set([
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
]);

/** The PNG without metadata; throws `CannotStripMetadataError` when it is not a whole PNG. */
export function stripPngMetadata(png: Buffer): Buffer {
  if (!png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    throw new CannotStripMetadataError('The PNG does not start with the PNG signature');
  }
  const kept: Buffer[] = [PNG_SIGNATURE];
  let exifSeen = false;
  let offset = PNG_SIGNATURE.length;

  for (;;) {
    const { type, payload, end } = readChunk(png, offset);
    if (offset === PNG_SIGNATURE.length && type !== 'IHDR') {
      throw new CannotStripMetadataError(`The PNG starts with a ${type} chunk instead of IHDR`);
    }
    if (type === 'eXIf') {
      if (!exifSeen) {
        const orientationOnly = reduceExifToOrientation(payload);
        if (orientationOnly) kept.push(pngChunk('eXIf', orientationOnly));
      }
      exifSeen = true;
    } else if (isCritical(type) || ANCILLARY_CHUNKS_NEEDED_FOR_DISPLAY.has(type)) {
      kept.push(png.subarray(offset, end));
    }
    if (type === 'IEND') return Buffer.concat(kept);
    offset = end;
  }
}

function readChunk(png: Buffer, offset: number): { type: string; payload: Buffer; end: number } {
  if (offset + CHUNK_OVERHEAD_BYTES > png.length) {
    throw new CannotStripMetadataError(`The PNG ends at byte ${png.length} without an IEND chunk`);
  }
  const length = png.readUInt32BE(offset);
  const typeStart = offset + LENGTH_BYTES;
  const type = png.toString('latin1', typeStart, typeStart + TYPE_BYTES);
  if (!/^[A-Za-z]{4}$/.test(type)) {
    throw new CannotStripMetadataError(
      `The PNG has no chunk type where one is due, at byte ${offset}`,
    );
  }
  const payloadStart = typeStart + TYPE_BYTES;
  const end = payloadStart + length + CRC_BYTES;
  if (length > MAX_CHUNK_LENGTH || end > png.length) {
    throw new CannotStripMetadataError(
      `The PNG ends at byte ${png.length}, inside the ${type} chunk at byte ${offset}`,
    );
  }
  return { type, payload: png.subarray(payloadStart, payloadStart + length), end };
}

function isCritical(type: string): boolean {
  return (type.charCodeAt(0) & ANCILLARY_BIT) === 0;
}

function pngChunk(type: string, payload: Buffer): Buffer {
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeUInt32BE(payload.length);
  const typeAndPayload = Buffer.concat([Buffer.from(type, 'latin1'), payload]);
  const crc = Buffer.alloc(CRC_BYTES);
  crc.writeUInt32BE(crc32(typeAndPayload));
  return Buffer.concat([length, typeAndPayload, crc]);
}
