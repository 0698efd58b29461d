/**
 * What in a JPEG may carry metadata, and the JPEG without it.
 *
 * Kept: frame headers, tables, scans and restart markers; JFIF (APP0); the ICC profile (APP2
 * `ICC_PROFILE`); Adobe (APP14), which says whether the colours of a CMYK or YCCK image were
 * transformed. Dropped: every other application segment (EXIF and XMP in APP1, IPTC in APP13,
 * thumbnails, maker data), comments (COM), and anything after the end-of-image marker. The
 * entropy-coded data is copied byte for byte, so the pixels cannot change.
 */
import {
  isJpegApplicationOrComment,
  JPEG_MARKER,
  jpegPayloadStart,
  walkJpegSegments,
} from '../containers/jpeg-segments';

const APP2 = 0xe2;
const APP14 = 0xee;

const IDENTIFIERS_NEEDED_FOR_DISPLAY = new Map<number, Buffer>([
  [JPEG_MARKER.app0, Buffer.from('JFIF\0', 'latin1')],
  [APP2, Buffer.from('ICC_PROFILE\0', 'latin1')],
  [APP14, Buffer.from('Adobe', 'latin1')],
]);

/** Gaps shorter than this are copied by a loop: one native call per byte range costs more. */
const NATIVE_COPY_MIN_BYTES = 64;

/**
 * The first segment of the JPEG that may carry metadata, or null when it has none.
 *
 * @throws MalformedContainerError when the bytes are not a whole JPEG.
 */
export async function findJpegMetadata(jpeg: Buffer): Promise<string | null> {
  let finding: string | null = null;
  const end = await walkJpegSegments(jpeg, (marker, start, segmentEnd) => {
    if (isNeededForDisplay(jpeg, marker, start, segmentEnd)) return false;
    finding = `an FF ${marker.toString(16).toUpperCase()} segment at byte ${start}`;
    return true;
  });
  if (finding === null && end < jpeg.length) finding = `data after the end of the image`;
  return finding;
}

/**
 * The JPEG without its metadata, as a new buffer no longer than the source.
 *
 * @throws MalformedContainerError when the bytes are not a whole JPEG.
 */
export async function stripJpegMetadata(jpeg: Buffer): Promise<Buffer> {
  const output = Buffer.allocUnsafe(jpeg.length);
  let written = 0;
  let copiedUpTo = 0;
  const copy = (from: number, to: number) => {
    if (to - from >= NATIVE_COPY_MIN_BYTES) {
      written += jpeg.copy(output, written, from, to);
    } else {
      for (let offset = from; offset < to; offset++) output[written++] = jpeg[offset];
    }
  };
  const end = await walkJpegSegments(jpeg, (marker, start, segmentEnd) => {
    if (isNeededForDisplay(jpeg, marker, start, segmentEnd)) return false;
    copy(copiedUpTo, start);
    copiedUpTo = segmentEnd;
    return false;
  });
  copy(copiedUpTo, end);
  return output.subarray(0, written);
}

function isNeededForDisplay(jpeg: Buffer, marker: number, start: number, end: number): boolean {
  if (!isJpegApplicationOrComment(marker)) return true;
  const identifier = IDENTIFIERS_NEEDED_FOR_DISPLAY.get(marker);
  if (!identifier) return false;
  const payloadStart = jpegPayloadStart(start);
  return (
    end - payloadStart >= identifier.length &&
    jpeg.compare(
      identifier,
      0,
      identifier.length,
      payloadStart,
      payloadStart + identifier.length,
    ) === 0
  );
}
