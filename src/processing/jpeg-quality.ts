/**
 * Estimates the IJG quality factor (1..100) a JPEG was encoded with, from its quantization tables.
 *
 * sharp's `metadata()` does not expose JPEG quality, and the `jpegquality` npm package returns
 * 100 − mean(table entries), which is a different number from the IJG quality that libjpeg,
 * libvips, sharp and ImageMagick's `%Q` speak of. Instead, every quality 1..100 is tried: the
 * standard IJG (Annex K) tables are scaled exactly as libjpeg's `jpeg_set_quality` does, and the
 * quality whose tables are closest to the file's wins. For files written by libjpeg, libjpeg-turbo
 * or mozjpeg with the standard tables (sharp with `quantisationTable: 0`) the match is exact,
 * because no two qualities produce the same pair of tables. For other encoders the answer is the
 * nearest IJG quality, in the spirit of ImageMagick's estimate.
 */
import { JPEG_MARKER, jpegPayloadStart, walkJpegSegments } from './containers/jpeg-segments';

const COEFFICIENTS_PER_TABLE = 64;
const MAX_TABLE_ID = 3;
const LUMINANCE_TABLE_ID = 0;

/** `NATURAL_INDEX_OF_ZIGZAG[k]` is the row-major position of the k-th coefficient in a DQT. */
const NATURAL_INDEX_OF_ZIGZAG: readonly number[] = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
  13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52,
  45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/** ITU-T T.81 Annex K.1 luminance table, natural order: libjpeg's base for quality scaling. */
const IJG_LUMINANCE_BASE_TABLE: readonly number[] = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/** ITU-T T.81 Annex K.1 chrominance table, natural order. */
const IJG_CHROMINANCE_BASE_TABLE: readonly number[] = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

const BASELINE_MAX_ENTRY = 255;
const EXTENDED_MAX_ENTRY = 32767;

interface QuantizationTable {
  id: number;
  /** Row-major (natural) order. */
  entries: number[];
}

/**
 * Reads the quantization tables defined before the first scan, each in natural row-major order,
 * ordered by table id. A later definition of the same id replaces the earlier one, as in a decoder.
 */
export async function readJpegQuantizationTables(jpeg: Buffer): Promise<number[][]> {
  return (await parseQuantizationTables(jpeg)).map((table) => table.entries);
}

/** Returns the IJG quality (integer 1..100) whose standard tables best match the JPEG's. */
export async function estimateJpegQuality(jpeg: Buffer): Promise<number> {
  const tables = await parseQuantizationTables(jpeg);
  let bestQuality = 1;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let quality = 1; quality <= 100; quality++) {
    const distance = tables.reduce(
      (total, table) => total + distanceFromIjgTable(table, quality),
      0,
    );
    if (distance < bestDistance) {
      bestDistance = distance;
      bestQuality = quality;
    }
  }
  return bestQuality;
}

function distanceFromIjgTable(table: QuantizationTable, quality: number): number {
  const baseTable =
    table.id === LUMINANCE_TABLE_ID ? IJG_LUMINANCE_BASE_TABLE : IJG_CHROMINANCE_BASE_TABLE;
  // libjpeg clamps to 255 when forcing baseline (as libvips does) and to 32767 otherwise; a table
  // with no entry above 255 reads the same under either clamp, so it is judged as baseline.
  const maxEntry =
    Math.max(...table.entries) > BASELINE_MAX_ENTRY ? EXTENDED_MAX_ENTRY : BASELINE_MAX_ENTRY;
  const scalePercent = ijgScalePercent(quality);
  let distance = 0;
  for (let index = 0; index < COEFFICIENTS_PER_TABLE; index++) {
    const scaled = Math.floor((baseTable[index] * scalePercent + 50) / 100);
    const expected = Math.min(Math.max(scaled, 1), maxEntry);
    distance += Math.abs(table.entries[index] - expected);
  }
  return distance;
}

/** libjpeg's `jpeg_quality_scaling`, including its integer division. */
function ijgScalePercent(quality: number): number {
  return quality < 50 ? Math.floor(5000 / quality) : 200 - quality * 2;
}

async function parseQuantizationTables(jpeg: Buffer): Promise<QuantizationTable[]> {
  // One slot per table id: a later definition replaces an earlier one, as in a decoder, and a
  // file of a million DQT segments costs no more memory than a file of one.
  const tablesById: (QuantizationTable | undefined)[] = [];
  await walkJpegSegments(jpeg, (marker, start, end) => {
    if (marker === JPEG_MARKER.startOfScan) return true;
    if (marker === JPEG_MARKER.defineQuantizationTable) {
      readDqtPayload(jpeg, jpegPayloadStart(start), end, start, tablesById);
    }
  });
  const tables = tablesById.filter((table): table is QuantizationTable => table !== undefined);
  if (tables.length === 0) {
    throw new Error('JPEG has no quantization table (DQT segment) before its first scan');
  }
  return tables;
}

/** A single DQT segment may define several tables, each 8- or 16-bit. */
function readDqtPayload(
  jpeg: Buffer,
  payloadStart: number,
  payloadEnd: number,
  markerOffset: number,
  tablesById: (QuantizationTable | undefined)[],
): void {
  let offset = payloadStart;
  while (offset < payloadEnd) {
    const precisionCode = jpeg[offset] >> 4;
    const id = jpeg[offset] & 0x0f;
    if (precisionCode > 1 || id > MAX_TABLE_ID) {
      throw new Error(
        `Malformed JPEG: DQT at offset ${markerOffset} has precision code ${precisionCode} and table id ${id}`,
      );
    }
    const bytesPerEntry = precisionCode === 0 ? 1 : 2;
    const tableStart = offset + 1;
    const tableEnd = tableStart + COEFFICIENTS_PER_TABLE * bytesPerEntry;
    if (tableEnd > payloadEnd) {
      throw new Error(
        `Malformed JPEG: DQT at offset ${markerOffset} ends in the middle of a table`,
      );
    }
    const table = (tablesById[id] ??= { id, entries: new Array<number>(COEFFICIENTS_PER_TABLE) });
    for (let zigzagIndex = 0; zigzagIndex < COEFFICIENTS_PER_TABLE; zigzagIndex++) {
      const entryOffset = tableStart + zigzagIndex * bytesPerEntry;
      table.entries[NATURAL_INDEX_OF_ZIGZAG[zigzagIndex]] =
        bytesPerEntry === 1 ? jpeg[entryOffset] : jpeg.readUInt16BE(entryOffset);
    }
    offset = tableEnd;
  }
}
