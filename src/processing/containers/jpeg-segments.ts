/**
 * The one walker of JPEG marker segments, shared by the quality estimator, the metadata scan and
 * the metadata stripper.
 *
 * It runs on bytes that strangers send, on the main thread, so it allocates nothing per segment
 * and reads every byte at most once: entropy-coded data is skipped by a plain byte loop, because
 * one native `indexOf` call per 0xFF byte costs ten times more on data made of `FF 00` pairs.
 * It pauses for the event loop whenever its slice of time is spent (`EventLoopSlice`).
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
  for (let offset = start; offset < last; offset++) {
    if (slice.due()) await slice.pause();
    if (jpeg[offset] !== JPEG_MARKER.prefix) continue;
    const next = jpeg[offset + 1];
    if (next === JPEG_MARKER.prefix) continue;
    const isRestart = next >= JPEG_MARKER.firstRestart && next <= JPEG_MARKER.lastRestart;
    if (next === JPEG_MARKER.stuffedZero || isRestart) {
      offset++;
      continue;
    }
    return offset;
  }
  throw new MalformedContainerError(
    `The JPEG ends at byte ${jpeg.length}, inside the scan that starts at byte ${start}`,
  );
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
