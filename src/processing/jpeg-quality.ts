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

const MARKER_PREFIX = 0xff;
const START_OF_IMAGE = 0xd8;
const END_OF_IMAGE = 0xd9;
const START_OF_SCAN = 0xda;
const DEFINE_QUANTIZATION_TABLE = 0xdb;
const TEMPORARY_MARKER = 0x01;
const FIRST_RESTART_MARKER = 0xd0;
const LAST_RESTART_MARKER = 0xd7;

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
export function readJpegQuantizationTables(jpeg: Buffer): number[][] {
  return parseQuantizationTables(jpeg).map((table) => table.entries);
}

/** Returns the IJG quality (integer 1..100) whose standard tables best match the JPEG's. */
export function estimateJpegQuality(jpeg: Buffer): number {
  const tables = parseQuantizationTables(jpeg);
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

function parseQuantizationTables(jpeg: Buffer): QuantizationTable[] {
  if (jpeg.length < 2 || jpeg[0] !== MARKER_PREFIX || jpeg[1] !== START_OF_IMAGE) {
    throw new Error('Not a JPEG: the buffer does not start with the SOI marker (FF D8)');
  }
  const tablesById = new Map<number, QuantizationTable>();
  let offset = 2;
  while (offset < jpeg.length) {
    if (jpeg[offset] !== MARKER_PREFIX) {
      throw new Error(`Malformed JPEG: expected a marker at offset ${offset}`);
    }
    // Any number of 0xFF fill bytes may precede a marker code.
    while (offset < jpeg.length && jpeg[offset] === MARKER_PREFIX) {
      offset++;
    }
    if (offset >= jpeg.length) {
      break;
    }
    const marker = jpeg[offset];
    const segmentStart = offset + 1;
    if (marker === START_OF_SCAN || marker === END_OF_IMAGE) {
      break;
    }
    if (isStandaloneMarker(marker)) {
      offset = segmentStart;
      continue;
    }
    if (segmentStart + 2 > jpeg.length) {
      throw truncatedSegmentError(marker, offset);
    }
    // The length counts its own two bytes but not the marker.
    const segmentLength = jpeg.readUInt16BE(segmentStart);
    const segmentEnd = segmentStart + segmentLength;
    if (segmentLength < 2 || segmentEnd > jpeg.length) {
      throw truncatedSegmentError(marker, offset);
    }
    if (marker === DEFINE_QUANTIZATION_TABLE) {
      for (const table of parseDqtPayload(jpeg.subarray(segmentStart + 2, segmentEnd), offset)) {
        tablesById.set(table.id, table);
      }
    }
    offset = segmentEnd;
  }
  if (tablesById.size === 0) {
    throw new Error('JPEG has no quantization table (DQT segment) before its first scan');
  }
  return [...tablesById.values()].sort((left, right) => left.id - right.id);
}

function isStandaloneMarker(marker: number): boolean {
  return (
    marker === TEMPORARY_MARKER || (marker >= FIRST_RESTART_MARKER && marker <= LAST_RESTART_MARKER)
  );
}

function truncatedSegmentError(marker: number, markerOffset: number): Error {
  const markerName = `FF ${marker.toString(16).toUpperCase().padStart(2, '0')}`;
  return new Error(
    `Truncated JPEG: the segment of marker ${markerName} at offset ${markerOffset} runs past the end of the data`,
  );
}

/** A single DQT segment may define several tables, each 8- or 16-bit. */
function parseDqtPayload(payload: Buffer, markerOffset: number): QuantizationTable[] {
  const tables: QuantizationTable[] = [];
  let offset = 0;
  while (offset < payload.length) {
    const precisionCode = payload[offset] >> 4;
    const id = payload[offset] & 0x0f;
    if (precisionCode > 1 || id > MAX_TABLE_ID) {
      throw new Error(
        `Malformed JPEG: DQT at offset ${markerOffset} has precision code ${precisionCode} and table id ${id}`,
      );
    }
    const bytesPerEntry = precisionCode === 0 ? 1 : 2;
    const tableStart = offset + 1;
    const tableEnd = tableStart + COEFFICIENTS_PER_TABLE * bytesPerEntry;
    if (tableEnd > payload.length) {
      throw new Error(
        `Malformed JPEG: DQT at offset ${markerOffset} ends in the middle of a table`,
      );
    }
    const entries = new Array<number>(COEFFICIENTS_PER_TABLE);
    for (let zigzagIndex = 0; zigzagIndex < COEFFICIENTS_PER_TABLE; zigzagIndex++) {
      const entryOffset = tableStart + zigzagIndex * bytesPerEntry;
      entries[NATURAL_INDEX_OF_ZIGZAG[zigzagIndex]] =
        bytesPerEntry === 1 ? payload[entryOffset] : payload.readUInt16BE(entryOffset);
    }
    tables.push({ id, entries });
    offset = tableEnd;
  }
  return tables;
}
