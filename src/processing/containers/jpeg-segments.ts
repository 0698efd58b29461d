/**
 * The one walker of JPEG marker segments, shared by the quality estimator, the metadata scan and
 * the metadata stripper.
 *
 * It runs on bytes that strangers send, on the main thread, so it allocates nothing per segment
 * and reads every byte at most once. Entropy-coded data is skipped by native `indexOf` from one
 * 0xFF byte to the next, a tenth of a nanosecond per byte of a photograph, where a byte loop costs
 * over one; on data dense with 0xFF bytes (`FF 00` pairs), where a call per byte would cost eight
 * times the byte loop, it falls back to that loop for a few kilobytes at a time. It pauses for the
 * event loop whenever its slice of time is spent (`EventLoopSlice`).
 */
import { EventLoopSlice } from './event-loop-slice';
import { MalformedContainerError } from './malformed-container.error';

export const JPEG_MARKER = {
  prefix: 0xff,
  stuffedZero: 0x00,
  temporary: 0x01,
  firstRestart: 0xd0,
  lastRestart: 0xd7,
  startOfImage: 0xd8,
  endOfImage: 0xd9,
  startOfScan: 0xda,
  defineQuantizationTable: 0xdb,
  app0: 0xe0,
  app15: 0xef,
  comment: 0xfe,
} as const;

const MARKER_BYTES = 2;
const LENGTH_BYTES = 2;

/**
 * After this many `indexOf` jumps in a row of under SHORT_JUMP_BYTES each, the scan is dense with
 * 0xFF bytes, and the next BYTE_RUN_BYTES are read by the byte loop.
 */
const SHORT_JUMPS_BEFORE_BYTE_RUN = 8;
const SHORT_JUMP_BYTES = 16;
const BYTE_RUN_BYTES = 4096;

/**
 * Called for each segment that has a length (SOS headers included): its marker, the offset of
 * its first `FF` and the offset just past it. Returning true stops the walk.
 */
export type JpegSegmentVisitor = (marker: number, start: number, end: number) => boolean | void;

/**
 * Walks a JPEG from SOI to EOI, scans included, and returns the offset just past EOI (or past
 * the segment at which `visit` stopped). The payload of a segment starts 4 bytes after `start`.
 *
 * @throws MalformedContainerError when the bytes are not a whole JPEG.
 */
export async function walkJpegSegments(jpeg: Buffer, visit: JpegSegmentVisitor): Promise<number> {
  const slice = new EventLoopSlice();
  if (jpeg[0] !== JPEG_MARKER.prefix || jpeg[1] !== JPEG_MARKER.startOfImage) {
    throw new MalformedContainerError('The JPEG does not start with a start-of-image marker');
  }
  let offset = MARKER_BYTES;
  for (;;) {
    if (slice.due()) await slice.pause();
    if (jpeg[offset] !== JPEG_MARKER.prefix) {
      throw new MalformedContainerError(
        offset >= jpeg.length
          ? `The JPEG ends at byte ${jpeg.length} without an end-of-image marker`
          : `The JPEG has no marker where one is due, at byte ${offset}`,
      );
    }
    // Any number of 0xFF fill bytes may precede a marker code.
    while (jpeg[offset + 1] === JPEG_MARKER.prefix) {
      offset++;
      if (slice.due()) await slice.pause();
    }
    if (offset + 1 >= jpeg.length) {
      throw new MalformedContainerError(
        `The JPEG ends at byte ${jpeg.length} without an end-of-image marker`,
      );
    }
    const marker = jpeg[offset + 1];
    if (marker === JPEG_MARKER.endOfImage) return offset + MARKER_BYTES;
    if (isStandaloneMarker(marker)) {
      offset += MARKER_BYTES;
      continue;
    }
    if (marker === JPEG_MARKER.startOfImage || marker === JPEG_MARKER.stuffedZero) {
      throw new MalformedContainerError(
        `The JPEG has an unexpected marker FF ${hex(marker)} at byte ${offset}`,
      );
    }
    const end = segmentEnd(jpeg, offset);
    if (visit(marker, offset, end) === true) return end;
    offset =
      marker === JPEG_MARKER.startOfScan ? await endOfEntropyCodedData(jpeg, end, slice) : end;
  }
}

/** Offset of the first payload byte of the segment that starts at `start`. */
export function jpegPayloadStart(start: number): number {
  return start + MARKER_BYTES + LENGTH_BYTES;
}

export function isJpegApplicationOrComment(marker: number): boolean {
  return (
    (marker >= JPEG_MARKER.app0 && marker <= JPEG_MARKER.app15) || marker === JPEG_MARKER.comment
  );
}

function isStandaloneMarker(marker: number): boolean {
  return (
    marker === JPEG_MARKER.temporary ||
    (marker >= JPEG_MARKER.firstRestart && marker <= JPEG_MARKER.lastRestart)
  );
}

function segmentEnd(jpeg: Buffer, start: number): number {
  const lengthOffset = start + MARKER_BYTES;
  if (lengthOffset + LENGTH_BYTES > jpeg.length) {
    throw new MalformedContainerError(`The JPEG ends inside the segment at byte ${start}`);
  }
  // The length counts its own two bytes but not the marker.
  const length = jpeg.readUInt16BE(lengthOffset);
  const end = lengthOffset + length;
  if (length < LENGTH_BYTES || end > jpeg.length) {
    throw new MalformedContainerError(
      `The JPEG segment at byte ${start} claims ${length} bytes, which do not fit in the file`,
    );
  }
  return end;
}

/**
 * In entropy-coded data a 0xFF byte is followed by a stuffed 0x00, a restart marker or more fill
 * bytes; anything else is the marker that ends the scan. Returns that marker's offset.
 */
async function endOfEntropyCodedData(
  jpeg: Buffer,
  start: number,
  slice: EventLoopSlice,
): Promise<number> {
  const last = jpeg.length - 1;
  let offset = start;
  let shortJumps = 0;
  while (offset < last) {
    if (slice.due()) await slice.pause();
    if (shortJumps >= SHORT_JUMPS_BEFORE_BYTE_RUN) {
      shortJumps = 0;
      const runEnd = Math.min(last, offset + BYTE_RUN_BYTES);
      const marker = scanBytes(jpeg, offset, runEnd);
      if (marker >= 0) return marker;
      offset = runEnd;
      continue;
    }
    const prefix = jpeg.indexOf(JPEG_MARKER.prefix, offset);
    if (prefix < 0 || prefix >= last) break;
    shortJumps = prefix - offset < SHORT_JUMP_BYTES ? shortJumps + 1 : 0;
    const next = jpeg[prefix + 1];
    if (next === JPEG_MARKER.prefix) offset = prefix + 1;
    else if (isInsideScan(next)) offset = prefix + MARKER_BYTES;
    else return prefix;
  }
  throw new MalformedContainerError(
    `The JPEG ends at byte ${jpeg.length}, inside the scan that starts at byte ${start}`,
  );
}

/**
 * The offset of the first marker that ends the scan in [from, to), or -1. A pair that starts at
 * `to - 1` is read whole, so the next step may start at `to`.
 */
function scanBytes(jpeg: Buffer, from: number, to: number): number {
  for (let offset = from; offset < to; offset++) {
    if (jpeg[offset] !== JPEG_MARKER.prefix) continue;
    const next = jpeg[offset + 1];
    if (next === JPEG_MARKER.prefix) continue;
    if (!isInsideScan(next)) return offset;
    offset++;
  }
  return -1;
}

/** Whether `FF next` belongs to entropy-coded data: a stuffed zero or a restart marker. */
function isInsideScan(next: number): boolean {
  return (
    next === JPEG_MARKER.stuffedZero ||
    (next >= JPEG_MARKER.firstRestart && next <= JPEG_MARKER.lastRestart)
  );
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
