import sharp, { Sharp } from 'sharp';
import { crc32 } from 'zlib';
import { readExifOrientation } from './exif-orientation';
import { stripPngMetadata } from './png-metadata';

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>PLANTED-XMP-CREATOR</dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>`;

const EXIF = {
  IFD0: { Copyright: 'PLANTED-COPYRIGHT', Make: 'PLANTED-MAKE' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' },
};

function photo(channels: 3 | 4 = 3): Sharp {
  const width = 48;
  const height = 32;
  const pixels = Buffer.alloc(width * height * channels);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 37) % 251;
  return sharp(pixels, { raw: { width, height, channels } });
}

function pngChunk(type: string, payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const typeAndPayload = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typeAndPayload));
  return Buffer.concat([length, typeAndPayload, checksum]);
}

interface Chunk {
  type: string;
  bytes: Buffer;
}

function chunksOf(png: Buffer): Chunk[] {
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    const end = offset + 12 + png.readUInt32BE(offset);
    chunks.push({
      type: png.toString('latin1', offset + 4, offset + 8),
      bytes: png.subarray(offset, end),
    });
    offset = end;
  }
  return chunks;
}

const typesOf = (png: Buffer) => chunksOf(png).map((chunk) => chunk.type);

/** Inserts chunks after IHDR (position 1) or before IEND (position -1). */
function withChunks(png: Buffer, position: 1 | -1, ...inserted: Buffer[]): Buffer {
  const chunks = chunksOf(png).map((chunk) => chunk.bytes);
  chunks.splice(position === 1 ? 1 : chunks.length - 1, 0, ...inserted);
  return Buffer.concat([png.subarray(0, 8), ...chunks]);
}

async function expectSamePixels(actual: Buffer, expected: Buffer): Promise<void> {
  const [actualPixels, expectedPixels] = await Promise.all([
    sharp(actual).raw().toBuffer(),
    sharp(expected).raw().toBuffer(),
  ]);
  expect(actualPixels.equals(expectedPixels)).toBe(true);
}

describe('stripPngMetadata', () => {
  it('removes EXIF and XMP but keeps the ICC profile, the orientation and every pixel', async () => {
    const source = await photo()
      .png()
      .withExif(EXIF)
      .withXmp(XMP)
      .withIccProfile('p3')
      .withMetadata({ orientation: 6 })
      .toBuffer();

    const stripped = stripPngMetadata(source);

    const [before, after] = await Promise.all([
      sharp(source).metadata(),
      sharp(stripped).metadata(),
    ]);
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toEqual(before.icc);
    expect(after.orientation).toBe(6);
    expect(readExifOrientation(after.exif!)).toBe(6);
    expect(after.exif!.length).toBe(26);
    expect(stripped.includes('PLANTED')).toBe(false);
    await expectSamePixels(stripped, source);
    expect(stripped.length).toBeLessThan(source.length);
  });

  it('drops eXIf entirely when the image is upright', async () => {
    const source = await photo().png().withExif(EXIF).withMetadata({ orientation: 1 }).toBuffer();

    const stripped = stripPngMetadata(source);

    expect(typesOf(stripped)).not.toContain('eXIf');
    expect((await sharp(stripped).metadata()).exif).toBeUndefined();
  });

  it('removes text, international text, compressed text, time and private chunks', async () => {
    const plain = await photo().png().toBuffer();
    const source = withChunks(
      plain,
      1,
      pngChunk('tEXt', 'Author\0PLANTED-AUTHOR'),
      pngChunk('zTXt', 'Comment\0\0PLANTED-NOT-REALLY-DEFLATED'),
      pngChunk('iTXt', 'XML:com.adobe.xmp\0\0\0\0\0PLANTED-ITXT-XMP'),
      pngChunk('tIME', Buffer.from([0x07, 0xe8, 1, 2, 3, 4, 5])),
      pngChunk('prVt', 'PLANTED-PRIVATE'),
    );

    const stripped = stripPngMetadata(source);

    expect(stripped).toEqual(plain);
    await expectSamePixels(stripped, source);
  });

  it('keeps palette transparency, pixel size and gamma', async () => {
    const palette = await photo(4).png({ palette: true }).withDensity(300).toBuffer();
    const source = withChunks(
      palette,
      1,
      pngChunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f])),
      pngChunk('tEXt', 'a\0PLANTED'),
    );

    const stripped = stripPngMetadata(source);

    expect(typesOf(stripped)).toEqual(['IHDR', 'gAMA', 'PLTE', 'tRNS', 'pHYs', 'IDAT', 'IEND']);
    expect((await sharp(stripped).metadata()).density).toBe(300);
    await expectSamePixels(stripped, source);
  });

  it('keeps the animation chunks of an APNG', async () => {
    const plain = await photo().png().toBuffer();
    const [width, height] = [48, 32];
    const animationControl = Buffer.alloc(8);
    animationControl.writeUInt32BE(1, 0); // one frame, looping forever
    const frameControl = Buffer.alloc(26);
    frameControl.writeUInt32BE(0, 0);
    frameControl.writeUInt32BE(width, 4);
    frameControl.writeUInt32BE(height, 8);
    frameControl.writeUInt16BE(1, 20);
    frameControl.writeUInt16BE(10, 22);
    const source = withChunks(
      plain,
      1,
      pngChunk('acTL', animationControl),
      pngChunk('tEXt', 'Software\0PLANTED-SOFTWARE'),
      pngChunk('fcTL', frameControl),
    );

    const stripped = stripPngMetadata(source);

    expect(typesOf(stripped)).toEqual(['IHDR', 'acTL', 'fcTL', 'pHYs', 'IDAT', 'IEND']);
    expect(stripped.includes('PLANTED')).toBe(false);
    await expectSamePixels(stripped, source);
  });

  it('cuts whatever follows IEND', async () => {
    const plain = await photo().png().toBuffer();

    const stripped = stripPngMetadata(Buffer.concat([plain, Buffer.from('PLANTED-TRAILER')]));

    expect(stripped).toEqual(plain);
  });

  it('writes a valid CRC for the orientation-only eXIf', async () => {
    const source = await photo().png().withExif(EXIF).withMetadata({ orientation: 8 }).toBuffer();

    const stripped = stripPngMetadata(source);

    const exif = chunksOf(stripped).find((chunk) => chunk.type === 'eXIf')!.bytes;
    const payloadEnd = exif.length - 4;
    expect(exif.readUInt32BE(payloadEnd)).toBe(crc32(exif.subarray(4, payloadEnd)));
    await expect(sharp(stripped, { failOn: 'warning' }).raw().toBuffer()).resolves.toBeDefined();
  });
});
