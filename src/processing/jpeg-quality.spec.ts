import sharp, { Sharp } from 'sharp';
import { estimateJpegQuality, readJpegQuantizationTables } from './jpeg-quality';

const WIDTH = 64;
const HEIGHT = 64;
const QUALITIES = [10, 25, 50, 75, 85, 90, 95, 100];
const CHROMA_SUBSAMPLINGS = ['4:2:0', '4:4:4'];

/** ITU-T T.81 Annex K tables in natural order: what libjpeg writes at quality 50. */
const ANNEX_K_LUMINANCE = [
  [16, 11, 10, 16, 24, 40, 51, 61],
  [12, 12, 14, 19, 26, 58, 60, 55],
  [14, 13, 16, 24, 40, 57, 69, 56],
  [14, 17, 22, 29, 51, 87, 80, 62],
  [18, 22, 37, 56, 68, 109, 103, 77],
  [24, 35, 55, 64, 81, 104, 113, 92],
  [49, 64, 78, 87, 103, 121, 120, 101],
  [72, 92, 95, 98, 112, 100, 103, 99],
].flat();
const ANNEX_K_CHROMINANCE = [
  [17, 18, 24, 47, 99, 99, 99, 99],
  [18, 21, 26, 66, 99, 99, 99, 99],
  [24, 26, 56, 99, 99, 99, 99, 99],
  [47, 66, 99, 99, 99, 99, 99, 99],
  ...Array.from({ length: 4 }, () => Array<number>(8).fill(99)),
].flat();

/** A gradient with deterministic noise, so every run encodes the same pixels. */
function gradientWithNoise(channels: 1 | 3): Sharp {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * channels);
  let seed = 42;
  for (let index = 0; index < pixels.length; index++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const pixel = Math.floor(index / channels);
    const gradient = ((pixel % WIDTH) + Math.floor(pixel / WIDTH)) * 2;
    pixels[index] = Math.min(255, gradient + (seed % 32));
  }
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels } });
}

function encodeWithStandardTables(
  quality: number,
  chromaSubsampling: string,
  mozjpeg: boolean,
): Promise<Buffer> {
  return gradientWithNoise(3)
    .jpeg({ quality, chromaSubsampling, quantisationTable: 0, mozjpeg })
    .toBuffer();
}

/** sharp writes no JFIF header, so EXIF is what puts an APPn segment before the tables. */
function encodeWithExifBeforeTables(quality: number): Promise<Buffer> {
  return gradientWithNoise(3)
    .withExif({ IFD0: { Copyright: 'jpeg-quality spec' } })
    .jpeg({ quality, quantisationTable: 0 })
    .toBuffer();
}

/** Row-major index of each zigzag position, derived by walking the anti-diagonals. */
function zigzagToNatural(): number[] {
  const order: number[] = [];
  for (let diagonal = 0; diagonal <= 14; diagonal++) {
    const rows = [];
    for (let row = Math.max(0, diagonal - 7); row <= Math.min(diagonal, 7); row++) {
      rows.push(row);
    }
    if (diagonal % 2 === 0) {
      rows.reverse();
    }
    for (const row of rows) {
      order.push(row * 8 + (diagonal - row));
    }
  }
  return order;
}

function toZigzag(naturalTable: number[]): number[] {
  return zigzagToNatural().map((naturalIndex) => naturalTable[naturalIndex]);
}

function segment(marker: number, payload: number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
}

/** One DQT segment holding several 16-bit (Pq=1) tables, given in natural order. */
function sixteenBitDqt(tables: number[][]): number[] {
  const payload = tables.flatMap((table, id) => [
    0x10 | id,
    ...toZigzag(table).flatMap((entry) => [entry >> 8, entry & 0xff]),
  ]);
  return segment(0xdb, payload);
}

/** Just enough of a JPEG for the tables to be read: SOI, the given segments, SOS, EOI. */
function jpegHeaderWith(...segments: number[][]): Buffer {
  const startOfScan = segment(0xda, [1, 1, 0x00, 0, 63, 0]);
  return Buffer.from([0xff, 0xd8, ...segments.flat(), ...startOfScan, 0xff, 0xd9]);
}

describe('estimateJpegQuality', () => {
  describe.each(CHROMA_SUBSAMPLINGS)('on sharp JPEGs with %s chroma subsampling', (subsampling) => {
    it.each(QUALITIES)('recovers quality %i exactly from libjpeg-turbo output', async (quality) => {
      const jpeg = await encodeWithStandardTables(quality, subsampling, false);

      expect(await estimateJpegQuality(jpeg)).toBe(quality);
    });

    // mozjpeg's trellis quantisation changes the coefficients, not the tables it writes.
    it.each(QUALITIES)('recovers quality %i exactly from mozjpeg output', async (quality) => {
      const jpeg = await encodeWithStandardTables(quality, subsampling, true);

      expect(await estimateJpegQuality(jpeg)).toBe(quality);
    });
  });

  it('recovers every quality from 1 to 100, including those clamped to 255', async () => {
    const qualities = Array.from({ length: 100 }, (_, index) => index + 1);

    const jpegs = await Promise.all(
      qualities.map((quality) => encodeWithStandardTables(quality, '4:2:0', false)),
    );

    expect(await Promise.all(jpegs.map((jpeg) => estimateJpegQuality(jpeg)))).toEqual(qualities);
  });

  it('recovers the quality of a greyscale JPEG, which has a single table', async () => {
    const jpeg = await gradientWithNoise(1)
      .toColourspace('b-w')
      .jpeg({ quality: 77, quantisationTable: 0 })
      .toBuffer();

    expect(await readJpegQuantizationTables(jpeg)).toHaveLength(1);
    expect(await estimateJpegQuality(jpeg)).toBe(77);
  });

  it('lands near the requested quality for the non-IJG tables mozjpeg uses by default', async () => {
    const jpeg = await gradientWithNoise(3).jpeg({ quality: 80, mozjpeg: true }).toBuffer();

    expect(Math.abs((await estimateJpegQuality(jpeg)) - 80)).toBeLessThanOrEqual(3);
  });

  it('reads two 16-bit tables from a single DQT segment', async () => {
    const jpeg = jpegHeaderWith(sixteenBitDqt([ANNEX_K_LUMINANCE, ANNEX_K_CHROMINANCE]));

    expect(await estimateJpegQuality(jpeg)).toBe(50);
  });

  it('recognises non-baseline tables whose entries exceed 255', async () => {
    // Quality 10 scales the Annex K tables by exactly 5; baseline would have clamped them to 255.
    const timesFive = (table: number[]) => table.map((entry) => entry * 5);
    const jpeg = jpegHeaderWith(
      sixteenBitDqt([timesFive(ANNEX_K_LUMINANCE), timesFive(ANNEX_K_CHROMINANCE)]),
    );

    expect(await estimateJpegQuality(jpeg)).toBe(10);
  });

  it('ignores the tables of a thumbnail embedded in an APP1 segment', async () => {
    const image = await encodeWithStandardTables(90, '4:2:0', false);
    const thumbnail = await encodeWithStandardTables(10, '4:2:0', false);
    const app1 = Buffer.from(segment(0xe1, [...thumbnail]));
    const imageWithThumbnail = Buffer.concat([image.subarray(0, 2), app1, image.subarray(2)]);

    expect(await estimateJpegQuality(imageWithThumbnail)).toBe(90);
  });

  it('rejects a PNG as not a JPEG', async () => {
    const png = await gradientWithNoise(3).png().toBuffer();

    await expect(estimateJpegQuality(png)).rejects.toThrow(
      'The JPEG does not start with a start-of-image marker',
    );
  });

  it('skips an EXIF segment that precedes the tables', async () => {
    const jpeg = await encodeWithExifBeforeTables(85);

    expect(jpeg.subarray(2, 4)).toEqual(Buffer.from([0xff, 0xe1]));
    expect(await estimateJpegQuality(jpeg)).toBe(85);
  });

  it('rejects a JPEG cut off just before its first DQT segment', async () => {
    const jpeg = await encodeWithExifBeforeTables(75);
    const dqtOffset = jpeg.indexOf(Buffer.from([0xff, 0xdb]));

    expect(dqtOffset).toBeGreaterThan(4);
    await expect(estimateJpegQuality(jpeg.subarray(0, dqtOffset))).rejects.toThrow(
      `The JPEG ends at byte ${dqtOffset} without an end-of-image marker`,
    );
  });

  it('rejects a JPEG cut off in the middle of the EXIF segment before the DQT', async () => {
    const jpeg = await encodeWithExifBeforeTables(75);

    await expect(estimateJpegQuality(jpeg.subarray(0, 20))).rejects.toThrow(
      /^The JPEG segment at byte 2 claims \d+ bytes, which do not fit in the file$/,
    );
  });
});

describe('readJpegQuantizationTables', () => {
  it('returns sharp quality 50 tables as the Annex K tables in natural order', async () => {
    const jpeg = await encodeWithStandardTables(50, '4:2:0', false);

    expect(await readJpegQuantizationTables(jpeg)).toEqual([
      ANNEX_K_LUMINANCE,
      ANNEX_K_CHROMINANCE,
    ]);
  });

  it('undoes the zigzag order in which a DQT stores its entries', async () => {
    const rowMajorCounting = Array.from({ length: 64 }, (_, index) => index + 1);
    const jpeg = jpegHeaderWith(sixteenBitDqt([rowMajorCounting]));

    expect(await readJpegQuantizationTables(jpeg)).toEqual([rowMajorCounting]);
  });

  it('collects tables defined in separate DQT segments in table id order', async () => {
    const chrominanceFirst = [
      segment(0xdb, [0x01, ...toZigzag(ANNEX_K_CHROMINANCE)]),
      segment(0xdb, [0x00, ...toZigzag(ANNEX_K_LUMINANCE)]),
    ];
    const jpeg = jpegHeaderWith(...chrominanceFirst);

    expect(await readJpegQuantizationTables(jpeg)).toEqual([
      ANNEX_K_LUMINANCE,
      ANNEX_K_CHROMINANCE,
    ]);
  });
});
