import sharp, { Sharp } from 'sharp';
import { readExifOrientation } from './exif-orientation';
import { stripJpegMetadata } from './jpeg-metadata';

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>PLANTED-XMP-CREATOR</dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>`;

const EXIF = {
  IFD0: { Copyright: 'PLANTED-COPYRIGHT', Make: 'PLANTED-MAKE', Model: 'PLANTED-MODEL' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' },
};

/** A small photo-like image, so that the pixels have something to lose. */
function photo(): Sharp {
  const width = 48;
  const height = 32;
  const pixels = Buffer.alloc(width * height * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 37) % 251;
  return sharp(pixels, { raw: { width, height, channels: 3 } });
}

function segment(marker: number, payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([header, data]);
}

function afterStartOfImage(jpeg: Buffer, ...segments: Buffer[]): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** Inserts segments just before the second scan of a progressive JPEG. */
function beforeSecondScan(jpeg: Buffer, ...segments: Buffer[]): Buffer {
  const startOfScan = Buffer.from([0xff, 0xda]);
  const second = jpeg.indexOf(startOfScan, jpeg.indexOf(startOfScan) + 2);
  return Buffer.concat([jpeg.subarray(0, second), ...segments, jpeg.subarray(second)]);
}

async function expectSamePixels(actual: Buffer, expected: Buffer): Promise<void> {
  const [actualPixels, expectedPixels] = await Promise.all([
    sharp(actual).raw().toBuffer(),
    sharp(expected).raw().toBuffer(),
  ]);
  expect(actualPixels.equals(expectedPixels)).toBe(true);
}

function markersOf(jpeg: Buffer): number[] {
  const markers: number[] = [];
  let offset = 2;
  while (offset < jpeg.length && jpeg[offset + 1] !== 0xda) {
    markers.push(jpeg[offset + 1]);
    offset += 2 + jpeg.readUInt16BE(offset + 2);
  }
  return markers;
}

describe('stripJpegMetadata', () => {
  it('removes EXIF and XMP but keeps the ICC profile, the orientation and every pixel', async () => {
    const source = await photo()
      .jpeg()
      .withExif(EXIF)
      .withXmp(XMP)
      .withIccProfile('p3')
      .withMetadata({ orientation: 6 })
      .toBuffer();

    const stripped = stripJpegMetadata(source);

    const [before, after] = await Promise.all([
      sharp(source).metadata(),
      sharp(stripped).metadata(),
    ]);
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toEqual(before.icc);
    expect(after.orientation).toBe(6);
    expect(readExifOrientation(after.exif!)).toBe(6);
    expect(after.exif!.length).toBe('Exif\0\0'.length + 26);
    for (const planted of ['PLANTED', 'GPS', 'xmpmeta']) {
      expect(stripped.includes(planted)).toBe(false);
    }
    await expectSamePixels(stripped, source);
    expect(stripped.length).toBeLessThan(source.length);
  });

  it('drops EXIF entirely when the image is upright', async () => {
    const source = await photo().jpeg().withExif(EXIF).withMetadata({ orientation: 1 }).toBuffer();

    const stripped = stripJpegMetadata(source);

    expect((await sharp(stripped).metadata()).exif).toBeUndefined();
    expect(stripped.includes('Exif')).toBe(false);
    await expectSamePixels(stripped, source);
  });

  it('removes comments, IPTC, extended XMP, JFXX thumbnails, MPF and private segments', async () => {
    const plain = await photo().jpeg().toBuffer();
    const source = afterStartOfImage(
      plain,
      segment(0xe0, 'JFIF\0\x01\x02\0\0\x01\0\x01\0\0'),
      segment(0xe0, 'JFXX\0\x10PLANTED-THUMBNAIL'),
      segment(0xfe, 'PLANTED-COMMENT'),
      segment(0xed, 'Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\x10\x1c\x02\x50\0\x0cPLANTED-IPTC'),
      segment(0xe1, `http://ns.adobe.com/xmp/extension/\0${'0'.repeat(32)}PLANTED-EXTENDED-XMP`),
      segment(0xe2, 'MPF\0PLANTED-MPF'),
      segment(0xeb, 'PLANTED-APP11'),
    );

    const stripped = stripJpegMetadata(source);

    expect(stripped.includes('PLANTED')).toBe(false);
    expect(stripped.includes('JFIF\0')).toBe(true);
    expect(stripped).toEqual(
      afterStartOfImage(plain, segment(0xe0, 'JFIF\0\x01\x02\0\0\x01\0\x01\0\0')),
    );
    await expectSamePixels(stripped, source);
  });

  it('keeps the Adobe segment that tells decoders how a CMYK JPEG was transformed', async () => {
    const source = await photo().toColourspace('cmyk').jpeg().withExif(EXIF).toBuffer();
    expect(markersOf(source)).toContain(0xee);

    const stripped = stripJpegMetadata(source);

    expect(markersOf(stripped)).toContain(0xee);
    expect((await sharp(stripped).metadata()).space).toBe('cmyk');
    expect(stripped.includes('PLANTED')).toBe(false);
    await expectSamePixels(stripped, source);
  });

  it('removes segments between the scans of a progressive JPEG and keeps every scan', async () => {
    const progressive = await photo().jpeg({ progressive: true }).toBuffer();
    const source = beforeSecondScan(
      progressive,
      segment(0xfe, 'PLANTED-COMMENT-BETWEEN-SCANS'),
      segment(0xe1, 'http://ns.adobe.com/xap/1.0/\0PLANTED-XMP-BETWEEN-SCANS'),
    );

    const stripped = stripJpegMetadata(source);

    expect(stripped).toEqual(progressive);
    await expectSamePixels(stripped, source);
  });

  it('cuts whatever follows the end-of-image marker, where MPF keeps its extra pictures', async () => {
    const plain = await photo().jpeg().toBuffer();
    const extraPicture = await photo().jpeg().withExif(EXIF).toBuffer();

    const stripped = stripJpegMetadata(Buffer.concat([plain, extraPicture]));

    expect(stripped).toEqual(plain);
  });

  it('copies the entropy-coded data byte for byte, fill bytes before markers included', async () => {
    const plain = await photo().jpeg().toBuffer();
    const endOfImage = plain.length - 2;
    const withFillBytes = Buffer.concat([
      plain.subarray(0, endOfImage),
      Buffer.from([0xff, 0xff]),
      plain.subarray(endOfImage),
    ]);

    const stripped = stripJpegMetadata(withFillBytes);

    expect(stripped).toEqual(withFillBytes);
    await expectSamePixels(stripped, plain);
  });

  it.each([
    { first: 3, second: 1, expected: 3 },
    { first: 1, second: 3, expected: undefined },
  ])(
    'follows the first of two EXIF segments, as decoders do ($first then $second)',
    async ({ first, second, expected }) => {
      const exifSegmentOf = async (orientation: number) => {
        const jpeg = await photo().jpeg().withExif(EXIF).withMetadata({ orientation }).toBuffer();
        return jpeg.subarray(2, 4 + jpeg.readUInt16BE(4));
      };
      const plain = await photo().jpeg().toBuffer();
      const source = afterStartOfImage(
        plain,
        await exifSegmentOf(first),
        await exifSegmentOf(second),
      );
      expect((await sharp(source).metadata()).orientation).toBe(first);

      const stripped = stripJpegMetadata(source);

      expect((await sharp(stripped).metadata()).orientation).toBe(expected);
      expect(stripped.includes('PLANTED')).toBe(false);
    },
  );
});
