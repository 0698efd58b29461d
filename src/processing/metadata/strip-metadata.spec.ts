import sharp, { Sharp } from 'sharp';
import { readExifOrientation } from './exif-orientation';
import { ImageFormat } from '../../storage/image-formats';
import { CannotStripMetadataError, stripMetadata } from './strip-metadata';

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>PLANTED-XMP-CREATOR</dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>`;

const EXIF = {
  IFD0: { Copyright: 'PLANTED-COPYRIGHT', Make: 'PLANTED-MAKE', Model: 'PLANTED-MODEL' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W' },
};

const FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'gif', 'avif'];

function photo(frames = 1): Sharp {
  const [width, height] = [48, 32];
  const pixels = Buffer.alloc(width * height * frames * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 37) % 251;
  const pageHeight = frames > 1 ? height : undefined;
  return sharp(pixels, { raw: { width, height: height * frames, channels: 3, pageHeight } });
}

/** Everything sharp can write into each format: EXIF with GPS, XMP, a P3 profile, orientation 6. */
function withEverything(format: ImageFormat): Promise<Buffer> {
  return photo()
    .toFormat(format)
    .withExif(EXIF)
    .withXmp(XMP)
    .withIccProfile('p3')
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

async function decoded(image: Buffer, autoOrient: boolean): Promise<Buffer> {
  const pipeline = sharp(image, { animated: true });
  return (autoOrient ? pipeline.autoOrient() : pipeline).raw().toBuffer();
}

/** A deterministic pseudo-random sequence, so that a failing case can be replayed. */
function* randomIntegers(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield state;
  }
}

function strippedOrCannotStrip(source: Buffer, format: ImageFormat): Buffer | null {
  try {
    return stripMetadata(source, format);
  } catch (error) {
    if (error instanceof CannotStripMetadataError) return null;
    throw error;
  }
}

describe('stripMetadata', () => {
  const sources = new Map<ImageFormat, Buffer>();

  beforeAll(async () => {
    for (const format of FORMATS) sources.set(format, await withEverything(format));
  });

  describe.each(FORMATS)('a %s image with EXIF, XMP and a colour profile', (format) => {
    it('loses its EXIF and XMP and every planted value', async () => {
      const source = sources.get(format)!;

      const stripped = stripMetadata(source, format);

      const metadata = await sharp(stripped).metadata();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.iptc).toBeUndefined();
      expect(metadata.exif?.length ?? 0).toBeLessThanOrEqual('Exif\0\0'.length + 26);
      for (const planted of ['PLANTED', 'xmpmeta', 'GPS']) {
        expect(stripped.includes(planted)).toBe(false);
      }
    });

    it('keeps its colour profile, its orientation and every pixel', async () => {
      const source = sources.get(format)!;

      const stripped = stripMetadata(source, format);

      const [before, after] = await Promise.all([
        sharp(source).metadata(),
        sharp(stripped).metadata(),
      ]);
      expect(after.icc).toEqual(before.icc);
      expect(after.orientation).toEqual(before.orientation);
      expect(after.autoOrient).toEqual(before.autoOrient);
      expect((await decoded(stripped, false)).equals(await decoded(source, false))).toBe(true);
      expect((await decoded(stripped, true)).equals(await decoded(source, true))).toBe(true);
    });

    it('is never larger than the source', () => {
      const source = sources.get(format)!;

      expect(stripMetadata(source, format).length).toBeLessThanOrEqual(source.length);
    });

    it('refuses the image cut short at any point', () => {
      const source = sources.get(format)!;
      const cuts = Array.from({ length: 64 }, (_, index) =>
        Math.floor((source.length * index) / 64),
      );

      for (const length of new Set([...cuts, source.length - 1])) {
        expect(() => stripMetadata(source.subarray(0, length), format)).toThrow(
          CannotStripMetadataError,
        );
      }
    });

    it('never throws anything but CannotStripMetadataError on corrupt bytes', () => {
      const source = sources.get(format)!;
      const random = randomIntegers(FORMATS.indexOf(format) + 1);

      for (let attempt = 0; attempt < 300; attempt++) {
        const corrupt = Buffer.from(source);
        const flips = 1 + ((random.next().value as number) % 4);
        for (let flip = 0; flip < flips; flip++) {
          const offset = (random.next().value as number) % corrupt.length;
          corrupt[offset] = (random.next().value as number) % 256;
        }

        const stripped = strippedOrCannotStrip(corrupt, format);

        expect(stripped?.length ?? 0).toBeLessThanOrEqual(corrupt.length);
      }
    });
  });

  it('keeps the orientation of a JPEG, PNG and WebP as an EXIF holding nothing else', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const stripped = stripMetadata(sources.get(format)!, format);

      const { exif } = await sharp(stripped).metadata();
      expect(readExifOrientation(exif!)).toBe(6);
    }
  });

  it('keeps every frame of an animated GIF', async () => {
    const source = await photo(3).gif({ loop: 0 }).toBuffer();

    const stripped = stripMetadata(source, 'gif');

    expect((await sharp(stripped, { animated: true }).metadata()).pages).toBe(3);
    expect((await decoded(stripped, false)).equals(await decoded(source, false))).toBe(true);
  });

  it.each(FORMATS)('refuses bytes of another format given as %s', (format) => {
    const other = FORMATS[(FORMATS.indexOf(format) + 1) % FORMATS.length];

    expect(() => stripMetadata(sources.get(other)!, format)).toThrow(CannotStripMetadataError);
    expect(() => stripMetadata(Buffer.alloc(0), format)).toThrow(CannotStripMetadataError);
    expect(() => stripMetadata(Buffer.from('<html></html>'), format)).toThrow(
      CannotStripMetadataError,
    );
  });
});
