import sharp, { Sharp } from 'sharp';
import { readExifOrientation } from './exif-orientation';
import { stripWebpMetadata } from './webp-metadata';

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>PLANTED-XMP-CREATOR</dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>`;

const EXIF = {
  IFD0: { Copyright: 'PLANTED-COPYRIGHT', Make: 'PLANTED-MAKE' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' },
};

const WIDTH = 48;
const HEIGHT = 32;
const EXIF_FLAG = 0x08;
const XMP_FLAG = 0x04;
const ICC_FLAG = 0x20;
const ANIMATION_FLAG = 0x02;
const ALPHA_FLAG = 0x10;

function photo({ channels = 3, frames = 1 }: { channels?: 3 | 4; frames?: number } = {}): Sharp {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * frames * channels);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 37) % 251;
  const pageHeight = frames > 1 ? HEIGHT : undefined;
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT * frames, channels, pageHeight } });
}

function riffChunk(type: string, payload: string): Buffer {
  const data = Buffer.from(payload, 'latin1');
  const header = Buffer.alloc(8);
  header.write(type, 0, 'latin1');
  header.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, data, Buffer.alloc(data.length % 2)]);
}

function chunkTypesOf(webp: Buffer): string[] {
  const types: string[] = [];
  let offset = 12;
  while (offset < webp.length) {
    const length = webp.readUInt32LE(offset + 4);
    types.push(webp.toString('latin1', offset, offset + 4));
    offset += 8 + length + (length % 2);
  }
  return types;
}

function vp8xFlagsOf(webp: Buffer): number {
  expect(webp.toString('latin1', 12, 16)).toBe('VP8X');
  return webp[20];
}

function withRiffSizeFixed(webp: Buffer): Buffer {
  const fixed = Buffer.from(webp);
  fixed.writeUInt32LE(fixed.length - 8, 4);
  return fixed;
}

async function expectSamePixels(actual: Buffer, expected: Buffer, animated = false) {
  const [actualPixels, expectedPixels] = await Promise.all([
    sharp(actual, { animated }).raw().toBuffer(),
    sharp(expected, { animated }).raw().toBuffer(),
  ]);
  expect(actualPixels.equals(expectedPixels)).toBe(true);
}

describe('stripWebpMetadata', () => {
  it('removes EXIF and XMP but keeps the ICC profile, the orientation and every pixel', async () => {
    const source = await photo()
      .webp()
      .withExif(EXIF)
      .withXmp(XMP)
      .withIccProfile('p3')
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(vp8xFlagsOf(source) & (EXIF_FLAG | XMP_FLAG | ICC_FLAG)).toBe(
      EXIF_FLAG | XMP_FLAG | ICC_FLAG,
    );

    const stripped = stripWebpMetadata(source);

    const [before, after] = await Promise.all([
      sharp(source).metadata(),
      sharp(stripped).metadata(),
    ]);
    expect(chunkTypesOf(stripped)).toEqual(['VP8X', 'ICCP', 'VP8 ', 'EXIF']);
    expect(vp8xFlagsOf(stripped) & (EXIF_FLAG | XMP_FLAG | ICC_FLAG)).toBe(EXIF_FLAG | ICC_FLAG);
    expect(after.xmp).toBeUndefined();
    expect(after.icc).toEqual(before.icc);
    expect(after.orientation).toBe(6);
    expect(readExifOrientation(after.exif!)).toBe(6);
    expect(stripped.includes('PLANTED')).toBe(false);
    expect(stripped.readUInt32LE(4)).toBe(stripped.length - 8);
    await expectSamePixels(stripped, source);
    expect(stripped.length).toBeLessThan(source.length);
  });

  it('drops EXIF and clears its flag when the image is upright', async () => {
    const source = await photo().webp().withExif(EXIF).withMetadata({ orientation: 1 }).toBuffer();

    const stripped = stripWebpMetadata(source);

    expect(chunkTypesOf(stripped)).toEqual(['VP8X', 'ICCP', 'VP8 ']);
    expect(vp8xFlagsOf(stripped) & (EXIF_FLAG | XMP_FLAG)).toBe(0);
    expect((await sharp(stripped).metadata()).exif).toBeUndefined();
    await expectSamePixels(stripped, source);
  });

  it('keeps the animation, its loop count and every frame of an animated WebP', async () => {
    const source = await photo({ frames: 3 })
      .webp({ loop: 2, delay: [40, 80, 120] })
      .withExif(EXIF)
      .withXmp(XMP)
      .toBuffer();

    const stripped = stripWebpMetadata(source);

    expect(chunkTypesOf(stripped)).toEqual(['VP8X', 'ANIM', 'ANMF', 'ANMF', 'ANMF']);
    expect(vp8xFlagsOf(stripped) & ANIMATION_FLAG).toBe(ANIMATION_FLAG);
    expect(stripped.includes('PLANTED')).toBe(false);
    const metadata = await sharp(stripped, { animated: true }).metadata();
    expect(metadata).toMatchObject({ pages: 3, loop: 2, delay: [40, 80, 120] });
    await expectSamePixels(stripped, source, true);
  });

  it('keeps the alpha of a lossless WebP with transparency', async () => {
    const source = await photo({ channels: 4 }).webp({ lossless: true }).withXmp(XMP).toBuffer();

    const stripped = stripWebpMetadata(source);

    expect(vp8xFlagsOf(stripped) & ALPHA_FLAG).toBe(ALPHA_FLAG);
    expect(chunkTypesOf(stripped)).toEqual(['VP8X', 'VP8L']);
    await expectSamePixels(stripped, source);
  });

  it('removes unknown chunks and whatever follows the RIFF payload', async () => {
    const plain = await photo().webp().withXmp(XMP).toBuffer();
    const source = withRiffSizeFixed(
      Buffer.concat([plain, riffChunk('PRIV', 'PLANTED-PRIVATE-CHUNK')]),
    );

    const stripped = stripWebpMetadata(Buffer.concat([source, Buffer.from('PLANTED-TRAILER')]));

    expect(chunkTypesOf(stripped)).toEqual(['VP8X', 'VP8 ']);
    expect(stripped.includes('PLANTED')).toBe(false);
    await expectSamePixels(stripped, plain);
  });

  it('gives back a simple WebP as it is, since it cannot hold metadata', async () => {
    const simple = await photo().webp().toBuffer();
    expect(chunkTypesOf(simple)).toEqual(['VP8 ']);

    expect(stripWebpMetadata(simple)).toEqual(simple);
  });
});
