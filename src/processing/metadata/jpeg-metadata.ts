/**
 * Removes metadata from a JPEG without touching its compressed image data.
 *
 * Every marker segment is walked, including those between the scans of a progressive JPEG, and
 * the entropy-coded data of each scan is copied byte for byte. Kept: frame headers, tables,
 * scans and restart markers; JFIF (APP0); the ICC profile (APP2 `ICC_PROFILE`); Adobe (APP14),
 * which says whether the colours were transformed. Dropped: EXIF and XMP, extended XMP included
 * (APP1); Photoshop and IPTC (APP13); comments (COM); every other application segment (JFXX
 * thumbnails, MPF, FlashPix, maker data); and anything after the end-of-image marker, where MPF
 * stores its extra pictures and some phones their own data.
 *
 * An EXIF orientation other than 1 survives as an orientation-only EXIF in place of the first
 * EXIF segment, because decoders read the first.
 */
import { CannotStripMetadataError } from './cannot-strip-metadata.error';
import { hasExifHeader, reduceExifToOrientation } from './exif-orientation';

const MARKER_PREFIX = 0xff;
const STUFFED_ZERO = 0x00;
const TEMPORARY_MARKER = 0x01;
const FIRST_RESTART_MARKER = 0xd0;
const LAST_RESTART_MARKER = 0xd7;
const START_OF_IMAGE = 0xd8;
const END_OF_IMAGE = 0xd9;
const START_OF_SCAN = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const APP15 = 0xef;
const COMMENT = 0xfe;

const MARKER_BYTES = 2;
const LENGTH_BYTES = 2;

const JFIF_IDENTIFIER = Buffer.from('JFIF\0', 'latin1');
const ICC_PROFILE_IDENTIFIER = Buffer.from('ICC_PROFILE\0', 'latin1');
const ADOBE_IDENTIFIER = Buffer.from('Adobe', 'latin1');

/** The JPEG without metadata; throws `CannotStripMetadataError` when it is not a whole JPEG. */
export function stripJpegMetadata(jpeg: Buffer): Buffer {
  if (jpeg.length < MARKER_BYTES || jpeg[0] !== MARKER_PREFIX || jpeg[1] !== START_OF_IMAGE) {
    throw new CannotStripMetadataError('The JPEG does not start with a start-of-image marker');
  }
  const kept: Buffer[] = [jpeg.subarray(0, MARKER_BYTES)];
  let exifSeen = false;
  let offset = MARKER_BYTES;

  for (;;) {
    offset = skipFillBytes(jpeg, offset);
    const marker = jpeg[offset + 1];
    if (marker === END_OF_IMAGE) {
      kept.push(jpeg.subarray(offset, offset + MARKER_BYTES));
      return Buffer.concat(kept);
    }
    if (isStandaloneMarker(marker)) {
      kept.push(jpeg.subarray(offset, offset + MARKER_BYTES));
      offset += MARKER_BYTES;
      continue;
    }
    if (marker === START_OF_IMAGE || marker === STUFFED_ZERO) {
      throw new CannotStripMetadataError(
        `The JPEG has an unexpected marker 0xff${hex(marker)} at byte ${offset}`,
      );
    }

    const segmentEnd = readSegmentEnd(jpeg, offset);
    const segment = jpeg.subarray(offset, segmentEnd);
    const payload = jpeg.subarray(offset + MARKER_BYTES + LENGTH_BYTES, segmentEnd);
    if (marker === APP1 && hasExifHeader(payload)) {
      if (!exifSeen) {
        const orientationOnly = reduceExifToOrientation(payload);
        if (orientationOnly) kept.push(jpegSegment(APP1, orientationOnly));
      }
      exifSeen = true;
    } else if (isNeededForDisplay(marker, payload)) {
      kept.push(segment);
    }
    offset = segmentEnd;

    if (marker === START_OF_SCAN) {
      const scanEnd = findEndOfEntropyCodedData(jpeg, offset);
      kept.push(jpeg.subarray(offset, scanEnd));
      offset = scanEnd;
    }
  }
}

function isNeededForDisplay(marker: number, payload: Buffer): boolean {
  if (marker === COMMENT) return false;
  if (marker < APP0 || marker > APP15) return true;
  switch (marker) {
    case APP0:
      return startsWith(payload, JFIF_IDENTIFIER);
    case APP2:
      return startsWith(payload, ICC_PROFILE_IDENTIFIER);
    case APP14:
      return startsWith(payload, ADOBE_IDENTIFIER);
    default:
      return false;
  }
}

/** Markers may be preceded by any number of 0xff fill bytes. Returns the offset of the marker. */
function skipFillBytes(jpeg: Buffer, offset: number): number {
  if (jpeg[offset] !== MARKER_PREFIX) {
    throw new CannotStripMetadataError(
      offset >= jpeg.length
        ? `The JPEG ends at byte ${jpeg.length} without an end-of-image marker`
        : `The JPEG has no marker where one is due, at byte ${offset}`,
    );
  }
  let markerOffset = offset;
  while (jpeg[markerOffset + 1] === MARKER_PREFIX) markerOffset++;
  if (markerOffset + 1 >= jpeg.length) {
    throw new CannotStripMetadataError(
      `The JPEG ends at byte ${jpeg.length} without an end-of-image marker`,
    );
  }
  return markerOffset;
}

function isStandaloneMarker(marker: number): boolean {
  return (
    marker === TEMPORARY_MARKER || (marker >= FIRST_RESTART_MARKER && marker <= LAST_RESTART_MARKER)
  );
}

function readSegmentEnd(jpeg: Buffer, offset: number): number {
  const lengthOffset = offset + MARKER_BYTES;
  if (lengthOffset + LENGTH_BYTES > jpeg.length) {
    throw new CannotStripMetadataError(`The JPEG ends inside the segment at byte ${offset}`);
  }
  const length = jpeg.readUInt16BE(lengthOffset);
  const segmentEnd = lengthOffset + length;
  if (length < LENGTH_BYTES || segmentEnd > jpeg.length) {
    throw new CannotStripMetadataError(
      `The JPEG segment at byte ${offset} claims ${length} bytes, which do not fit in the file`,
    );
  }
  return segmentEnd;
}

/**
 * In entropy-coded data a 0xff byte is followed by a stuffed 0x00, a restart marker or more fill
 * bytes; anything else is the marker that ends the scan.
 */
function findEndOfEntropyCodedData(jpeg: Buffer, start: number): number {
  let offset = start;
  for (;;) {
    offset = jpeg.indexOf(MARKER_PREFIX, offset);
    if (offset < 0 || offset + 1 >= jpeg.length) {
      throw new CannotStripMetadataError(
        `The JPEG ends at byte ${jpeg.length}, inside the scan that starts at byte ${start}`,
      );
    }
    const next = jpeg[offset + 1];
    if (next === MARKER_PREFIX) {
      offset += 1;
    } else if (
      next === STUFFED_ZERO ||
      (next >= FIRST_RESTART_MARKER && next <= LAST_RESTART_MARKER)
    ) {
      offset += MARKER_BYTES;
    } else {
      return offset;
    }
  }
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  const header = Buffer.from([MARKER_PREFIX, marker, 0, 0]);
  header.writeUInt16BE(LENGTH_BYTES + payload.length, MARKER_BYTES);
  return Buffer.concat([header, payload]);
}

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.subarray(0, prefix.length).equals(prefix);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
