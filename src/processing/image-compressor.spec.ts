import sharp, { Sharp } from 'sharp';
import { crc32, deflateSync } from 'zlib';
import { ImageCompressor, UnsupportedImageError } from './image-compressor';
import { estimateJpegQuality } from './jpeg-quality';

const WIDTH = 128;
const HEIGHT = 96;

/** A gradient with deterministic noise: photo-like, so lower quality really saves bytes. */
function photo(frames = 1): Sharp {
  const channels = 3;
  const pixels = Buffer.alloc(WIDTH * HEIGHT * frames * channels);
  let seed = 42;
  for (let index = 0; index < pixels.length; index++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const pixel = Math.floor(index / channels);
    const frame = Math.floor(pixel / (WIDTH * HEIGHT));
    const gradient = (pixel % WIDTH) + Math.floor(pixel / WIDTH) + frame * 8;
    pixels[index] = Math.min(255, gradient + (seed % 32));
  }
  const pageHeight = frames > 1 ? HEIGHT : undefined;
  return sharp(pixels, { raw: { width: WIDTH, height: HEIGHT * frames, channels, pageHeight } });
}

function solid(width: number, height: number): Sharp {
  return sharp({ create: { width, height, channels: 3, background: '#c0392b' } });
}

function isLossyWebp(webp: Buffer): boolean {
  return webp.includes('VP8 ', 12, 'latin1');
}

/** Adds a comment extension before the trailer, as image editors do; sharp writes none. */
function withGifComment(gif: Buffer, comment: string): Buffer {
  const text = Buffer.from(comment, 'latin1');
  const blocks: Buffer[] = [Buffer.from([0x21, 0xfe])];
  for (let offset = 0; offset < text.length; offset += 255) {
    const block = text.subarray(offset, offset + 255);
    blocks.push(Buffer.from([block.length]), block);
  }
  blocks.push(Buffer.from([0x00]));
  const trailerOffset = gif.length - 1;
  return Buffer.concat([gif.subarray(0, trailerOffset), ...blocks, gif.subarray(trailerOffset)]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, payload: Buffer): Buffer {
  const typeAndPayload = Buffer.concat([Buffer.from(type, 'latin1'), payload]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(payload.length);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typeAndPayload));
  return Buffer.concat([length, typeAndPayload, checksum]);
}

/**
 * A complete, valid black PNG at 1 bit per pixel: a few tens of kilobytes that would decode to
 * `width × height` pixels. Built by hand because sharp takes half a minute to write one this big.
 */
function blackPngOf(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 1; // bit depth; colour type, compression, filter and interlace stay 0
  const scanlines = Buffer.alloc((1 + Math.ceil(width / 8)) * height);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(scanlines)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('ImageCompressor', () => {
  const compressor = new ImageCompressor({ profile: 'balanced', concurrency: 2 });

  describe('JPEG', () => {
    it.each([
      { quality: 90, chromaSubsampling: '4:2:0', expected: 45 },
      { quality: 90, chromaSubsampling: '4:4:4', expected: 45 },
      { quality: 75, chromaSubsampling: '4:2:0', expected: 38 },
      { quality: 10, chromaSubsampling: '4:2:0', expected: 5 },
    ])(
      'writes a JPEG encoded at $quality ($chromaSubsampling) as a JPEG that reads back at $expected',
      async ({ quality, chromaSubsampling, expected }) => {
        const source = await photo().jpeg({ quality, chromaSubsampling }).toBuffer();

        const result = await compressor.compress(source);

        expect(result).toMatchObject({
          format: 'jpeg',
          sourceQuality: quality,
          targetQuality: expected,
          width: WIDTH,
          height: HEIGHT,
          skipReason: null,
        });
        expect(await estimateJpegQuality(result.data)).toBe(expected);
        expect(result.data.length).toBeLessThan(source.length);
      },
    );

    it('never aims below quality 1: a JPEG at 1 stays at 1', async () => {
      const source = await photo().jpeg({ quality: 1 }).toBuffer();

      const result = await compressor.compress(source);

      expect(result).toMatchObject({ sourceQuality: 1, targetQuality: 1 });
      expect(await estimateJpegQuality(result.data)).toBe(1);
    });

    it('turns a CMYK JPEG into an sRGB JPEG at half its quality', async () => {
      const source = await photo().toColourspace('cmyk').jpeg({ quality: 90 }).toBuffer();
      expect((await sharp(source).metadata()).space).toBe('cmyk');

      const result = await compressor.compress(source);

      const written = await sharp(result.data).metadata();
      expect(written).toMatchObject({ format: 'jpeg', space: 'srgb', channels: 3 });
      expect(result).toMatchObject({ sourceQuality: 90, targetQuality: 45, skipReason: null });
    });
  });

  describe('WebP', () => {
    it('writes a lossy WebP as a lossy WebP at 50, its unreadable quality taken as 100', async () => {
      const source = await photo().webp({ quality: 90 }).toBuffer();

      const result = await compressor.compress(source);

      expect(result).toMatchObject({
        format: 'webp',
        sourceQuality: null,
        targetQuality: 50,
        skipReason: null,
      });
      expect((await sharp(result.data).metadata()).format).toBe('webp');
      expect(result.data.length).toBeLessThan(source.length);
    });

    it('writes a lossless WebP, quality 100, as a lossy WebP at 50', async () => {
      const source = await photo().webp({ lossless: true }).toBuffer();
      expect(isLossyWebp(source)).toBe(false);

      const result = await compressor.compress(source);

      expect(result).toMatchObject({ sourceQuality: 100, targetQuality: 50, skipReason: null });
      expect(isLossyWebp(result.data)).toBe(true);
    });

    it('keeps every frame of an animated WebP', async () => {
      const source = await photo(3).webp({ quality: 90 }).toBuffer();

      const result = await compressor.compress(source);

      expect(result).toMatchObject({ width: WIDTH, height: HEIGHT, skipReason: null });
      expect((await sharp(result.data).metadata()).pages).toBe(3);
    });
  });

  describe('PNG', () => {
    it('writes a truecolour PNG as a palette PNG at quality 50', async () => {
      const source = await photo().png().toBuffer();

      const result = await compressor.compress(source);

      expect(result).toMatchObject({
        format: 'png',
        sourceQuality: 100,
        targetQuality: 50,
        skipReason: null,
      });
      expect((await sharp(result.data).metadata()).isPalette).toBe(true);
    });

    it('writes a 16-bit PNG as an 8-bit palette PNG', async () => {
      const source = await photo().toColourspace('rgb16').png().toBuffer();
      expect((await sharp(source).metadata()).bitsPerSample).toBe(16);

      const result = await compressor.compress(source);

      const written = await sharp(result.data).metadata();
      expect(written).toMatchObject({ format: 'png', isPalette: true, bitsPerSample: 8 });
    });
  });

  describe('GIF', () => {
    it('re-encodes an animated GIF as a GIF with all its frames and without its comment', async () => {
      const comment = 'Made with an image editor. '.repeat(80);
      const source = withGifComment(await photo(3).gif().toBuffer(), comment);

      const result = await compressor.compress(source);

      expect(result).toMatchObject({
        format: 'gif',
        width: WIDTH,
        height: HEIGHT,
        sourceQuality: 100,
        targetQuality: null,
        skipReason: null,
      });
      expect(await sharp(result.data).metadata()).toMatchObject({ format: 'gif', pages: 3 });
      expect(result.data.includes(comment.slice(0, 40))).toBe(false);
    });
  });

  describe('AVIF', () => {
    it('writes an AVIF as an AVIF at 50, its unreadable quality taken as 100', async () => {
      const source = await photo().avif({ quality: 80 }).toBuffer();

      const result = await compressor.compress(source);

      expect(result).toMatchObject({
        format: 'avif',
        sourceQuality: null,
        targetQuality: 50,
        skipReason: null,
      });
      expect(await sharp(result.data).metadata()).toMatchObject({
        format: 'heif',
        compression: 'av1',
      });
      expect(result.data.length).toBeLessThan(source.length);
    });
  });

  describe('metadata', () => {
    it('turns a photo tagged "rotate 90°" upright and drops the tag', async () => {
      const source = await photo()
        .withMetadata({ orientation: 6 })
        .jpeg({ quality: 90 })
        .toBuffer();

      const result = await compressor.compress(source);

      expect(result).toMatchObject({ width: HEIGHT, height: WIDTH });
      const written = await sharp(result.data).metadata();
      expect(written).toMatchObject({ width: HEIGHT, height: WIDTH });
      expect(written.orientation).toBeUndefined();
    });

    it('keeps the ICC profile and strips EXIF', async () => {
      const source = await photo()
        .withIccProfile('p3')
        .withExif({ IFD0: { Copyright: 'Example Photographer' } })
        .jpeg({ quality: 90 })
        .toBuffer();
      const original = await sharp(source).metadata();
      expect(original.exif).toBeDefined();

      const result = await compressor.compress(source);

      const written = await sharp(result.data).metadata();
      expect(written.icc).toEqual(original.icc);
      expect(written.exif).toBeUndefined();
    });
  });

  describe('never bigger', () => {
    it('keeps a 1×1 PNG byte for byte, saying why', async () => {
      const source = await solid(1, 1).png().toBuffer();

      const result = await compressor.compress(source);

      expect(result.data).toEqual(source);
      expect(result).toMatchObject({ format: 'png', width: 1, height: 1 });
      expect(result.skipReason).toMatch(
        /not fewer than the \d+-byte source, so the source is kept/,
      );
    });

    it('keeps an 8×8 JPEG at quality 2 byte for byte, saying why', async () => {
      const source = await solid(8, 8).jpeg({ quality: 2 }).toBuffer();

      const result = await compressor.compress(source);

      expect(result.data).toEqual(source);
      expect(result).toMatchObject({ width: 8, height: 8, sourceQuality: 2, targetQuality: 1 });
      expect(result.skipReason).toMatch(/source is kept/);
    });

    it('keeps a lossless source without its metadata but upright, pixel for pixel', async () => {
      // A lossless WebP of one colour is far smaller than any lossy re-encoding of it.
      const source = await solid(512, 384)
        .webp({ lossless: true })
        .withMetadata({ orientation: 6 })
        .withExifMerge({ IFD0: { Copyright: 'SECRET-OWNER' } })
        .toBuffer();

      const result = await compressor.compress(source);

      expect(result.skipReason).toMatch(
        /source is kept, re-encoded losslessly without its metadata/,
      );
      expect(source.includes('SECRET-OWNER')).toBe(true);
      expect(result.data.includes('SECRET-OWNER')).toBe(false);
      expect(result).toMatchObject({ width: 384, height: 512 });
      expect((await sharp(result.data).metadata()).orientation).toBeUndefined();
      expect(await sharp(result.data).raw().toBuffer()).toEqual(
        await sharp(source).autoOrient().raw().toBuffer(),
      );
    });

    it.each([
      ['JPEG at 95', () => photo().jpeg({ quality: 95 }).toBuffer()],
      ['JPEG at 5', () => photo().jpeg({ quality: 5 }).toBuffer()],
      ['palette PNG', () => photo().png({ palette: true, colours: 16 }).toBuffer()],
      ['WebP at 20', () => photo().webp({ quality: 20 }).toBuffer()],
      ['AVIF at 20', () => photo().avif({ quality: 20 }).toBuffer()],
      ['2-colour GIF', () => solid(WIDTH, HEIGHT).gif({ colours: 2 }).toBuffer()],
    ])('never returns more bytes than it was given: %s', async (_name, makeSource) => {
      const source = await makeSource();

      const result = await compressor.compress(source);

      expect(result.data.length).toBeLessThanOrEqual(source.length);
    });
  });

  describe('refusals', () => {
    it('refuses an animated GIF cut short in its last frame, which decodes without error', async () => {
      const gif = await photo(3).gif().toBuffer();
      const truncated = gif.subarray(0, gif.length - 40);

      await expect(compressor.compress(truncated)).rejects.toThrow(
        /^The GIF image is truncated or corrupt: /,
      );
    });

    it('refuses an HTML page, showing how it starts', async () => {
      const page = Buffer.from('<!DOCTYPE html>\n<html><body>Not found</body></html>');

      const compressing = compressor.compress(page);

      await expect(compressing).rejects.toBeInstanceOf(UnsupportedImageError);
      await expect(compressing).rejects.toThrow(
        'The content is not a JPEG, PNG, WebP, GIF or AVIF image; it starts with "<!DOCTYPE html>\\n"',
      );
    });

    it.each([
      ['SVG', () => Promise.resolve(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))],
      ['PDF', () => Promise.resolve(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'))],
      ['TIFF', () => photo().tiff().toBuffer()],
    ])('refuses a %s by its content', async (_name, makeSource) => {
      const compressing = compressor.compress(await makeSource());

      await expect(compressing).rejects.toBeInstanceOf(UnsupportedImageError);
      await expect(compressing).rejects.toThrow(/not a JPEG, PNG, WebP, GIF or AVIF image/);
    });

    it('refuses a truncated JPEG, saying it cannot be decoded', async () => {
      const jpeg = await photo().jpeg({ quality: 90 }).toBuffer();
      const truncated = jpeg.subarray(0, Math.floor(jpeg.length * 0.6));

      const compressing = compressor.compress(truncated);

      await expect(compressing).rejects.toBeInstanceOf(UnsupportedImageError);
      await expect(compressing).rejects.toThrow(
        /^The JPEG image cannot be decoded \(it may be truncated or corrupt\): .*premature end/,
      );
    });

    it('refuses a 20000×20000 PNG from its header, before decoding a pixel', async () => {
      const source = blackPngOf(20_000, 20_000);
      expect(source.length).toBeLessThan(100_000);

      const compressing = compressor.compress(source);

      await expect(compressing).rejects.toBeInstanceOf(UnsupportedImageError);
      await expect(compressing).rejects.toThrow(
        'The PNG image is 20000×20000 = 400,000,000 pixels, above the limit of 50,000,000 pixels',
      );
    });
  });
});
