/**
 * Reduces an EXIF block to the one tag that changes how its image is shown: the orientation.
 *
 * Accepts EXIF as it is stored in JPEG APP1 segments (after an `Exif\0\0` header) and as PNG and
 * WebP store it (a bare TIFF structure, though some writers add the header there too), and
 * answers in the same framing and byte order.
 */

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const LITTLE_ENDIAN_MARK = 'II';
const BIG_ENDIAN_MARK = 'MM';
const TIFF_MAGIC = 42;
const TIFF_HEADER_BYTES = 8;
const IFD_COUNT_BYTES = 2;
const IFD_ENTRY_BYTES = 12;
const NEXT_IFD_OFFSET_BYTES = 4;

const ORIENTATION_TAG = 0x0112;
const SHORT_TYPE = 3;
const UPRIGHT = 1;
const MAX_ORIENTATION = 8;

/**
 * The EXIF Orientation (1–8) of IFD0, or null when the EXIF has none or cannot be read.
 *
 * IFD0 must lie wholly inside the block, next-IFD offset included, so that the block is never
 * shorter than the orientation-only EXIF that replaces it.
 */
export function readExifOrientation(exif: Buffer): number | null {
  const tiffStart = hasExifHeader(exif) ? EXIF_HEADER.length : 0;
  if (exif.length < tiffStart + TIFF_HEADER_BYTES) return null;
  const byteOrder = exif.toString('latin1', tiffStart, tiffStart + 2);
  if (byteOrder !== LITTLE_ENDIAN_MARK && byteOrder !== BIG_ENDIAN_MARK) return null;
  const littleEndian = byteOrder === LITTLE_ENDIAN_MARK;
  const readUInt16 = (offset: number) =>
    littleEndian ? exif.readUInt16LE(offset) : exif.readUInt16BE(offset);
  const readUInt32 = (offset: number) =>
    littleEndian ? exif.readUInt32LE(offset) : exif.readUInt32BE(offset);

  if (readUInt16(tiffStart + 2) !== TIFF_MAGIC) return null;
  const ifdOffset = readUInt32(tiffStart + 4);
  if (ifdOffset < TIFF_HEADER_BYTES) return null;
  const ifdStart = tiffStart + ifdOffset;
  if (ifdStart + IFD_COUNT_BYTES > exif.length) return null;
  const entryCount = readUInt16(ifdStart);
  const entriesStart = ifdStart + IFD_COUNT_BYTES;
  const ifdEnd = entriesStart + entryCount * IFD_ENTRY_BYTES + NEXT_IFD_OFFSET_BYTES;
  if (ifdEnd > exif.length) return null;

  for (let index = 0; index < entryCount; index++) {
    const entry = entriesStart + index * IFD_ENTRY_BYTES;
    if (readUInt16(entry) !== ORIENTATION_TAG) continue;
    if (readUInt16(entry + 2) !== SHORT_TYPE || readUInt32(entry + 4) !== 1) return null;
    const orientation = readUInt16(entry + 8);
    return orientation >= UPRIGHT && orientation <= MAX_ORIENTATION ? orientation : null;
  }
  return null;
}

/**
 * An EXIF block holding only the orientation of `exif`, framed and ordered like it; null when
 * the image is already upright (or says nothing readable), so that no EXIF is needed at all.
 * Never longer than `exif`.
 */
export function reduceExifToOrientation(exif: Buffer): Buffer | null {
  const orientation = readExifOrientation(exif);
  if (orientation === null || orientation === UPRIGHT) return null;
  const tiffStart = hasExifHeader(exif) ? EXIF_HEADER.length : 0;
  const littleEndian = exif.toString('latin1', tiffStart, tiffStart + 2) === LITTLE_ENDIAN_MARK;

  const tiff = Buffer.alloc(
    TIFF_HEADER_BYTES + IFD_COUNT_BYTES + IFD_ENTRY_BYTES + NEXT_IFD_OFFSET_BYTES,
  );
  const writeUInt16 = (value: number, offset: number) =>
    littleEndian ? tiff.writeUInt16LE(value, offset) : tiff.writeUInt16BE(value, offset);
  const writeUInt32 = (value: number, offset: number) =>
    littleEndian ? tiff.writeUInt32LE(value, offset) : tiff.writeUInt32BE(value, offset);
  tiff.write(littleEndian ? LITTLE_ENDIAN_MARK : BIG_ENDIAN_MARK, 0, 'latin1');
  writeUInt16(TIFF_MAGIC, 2);
  writeUInt32(TIFF_HEADER_BYTES, 4);
  writeUInt16(1, TIFF_HEADER_BYTES);
  const entry = TIFF_HEADER_BYTES + IFD_COUNT_BYTES;
  writeUInt16(ORIENTATION_TAG, entry);
  writeUInt16(SHORT_TYPE, entry + 2);
  writeUInt32(1, entry + 4);
  writeUInt16(orientation, entry + 8);
  // The next-IFD offset stays 0: there is no IFD1, so no thumbnail.

  return tiffStart > 0 ? Buffer.concat([EXIF_HEADER, tiff]) : tiff;
}

/** Whether the block starts with the `Exif\0\0` header that JPEG APP1 segments use. */
export function hasExifHeader(exif: Buffer): boolean {
  return exif.subarray(0, EXIF_HEADER.length).equals(EXIF_HEADER);
}
