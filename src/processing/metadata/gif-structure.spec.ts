import sharp, { Sharp } from 'sharp';
import { findGifStructureDefect, walkGif } from './gif-structure';

function frames(count: number): Sharp {
  const [width, height] = [24, 16];
  const pixels = Buffer.alloc(width * height * count * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 37) % 251;
  const pageHeight = count > 1 ? height : undefined;
  return sharp(pixels, { raw: { width, height: height * count, channels: 3, pageHeight } });
}

/** An extension block: introducer, label, data in sub-blocks of up to 255 bytes, terminator. */
function extension(label: number, data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x21, label])];
  for (let offset = 0; offset < data.length; offset += 255) {
    const block = data.subarray(offset, offset + 255);
    parts.push(Buffer.from([block.length]), block);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function beforeTrailer(gif: Buffer, ...blocks: Buffer[]): Buffer {
  return Buffer.concat([gif.subarray(0, gif.length - 1), ...blocks, gif.subarray(gif.length - 1)]);
}

describe('findGifStructureDefect', () => {
  let still: Buffer;
  let animated: Buffer;

  beforeAll(async () => {
    still = await frames(1).gif().toBuffer();
    animated = await frames(3).gif({ loop: 0, delay: 100 }).toBuffer();
  });

  it('finds nothing wrong with a still GIF or an animated one written by sharp', () => {
    expect(findGifStructureDefect(still)).toBeNull();
    expect(findGifStructureDefect(animated)).toBeNull();
  });

  it('reads every frame of an animated GIF and its loop extension', () => {
    const { structure } = walkGif(animated);

    const blocks = structure!.blocks;
    expect(blocks.filter((block) => block.kind === 'image')).toHaveLength(3);
    expect(blocks).toContainEqual(
      expect.objectContaining({ kind: 'extension', applicationIdentifier: 'NETSCAPE2.0' }),
    );
    expect(structure!.trailerOffset).toBe(animated.length - 1);
  });

  it('finds nothing wrong with comment and application extensions of any length', () => {
    const gif = beforeTrailer(
      animated,
      extension(0xfe, Buffer.from('a comment')),
      extension(0xff, Buffer.from(`XMP DataXMP${'x'.repeat(600)}`)),
      extension(0xfe, Buffer.alloc(0)),
    );

    expect(findGifStructureDefect(gif)).toBeNull();
  });

  it('ignores bytes after the trailer, as decoders do', () => {
    expect(findGifStructureDefect(Buffer.concat([still, Buffer.from('junk')]))).toBeNull();
  });

  it('reports an animated GIF cut inside its last frame, which sharp decodes without an error', async () => {
    const images = walkGif(animated).structure!.blocks.filter((block) => block.kind === 'image');
    const cut = animated.subarray(0, images[2].end - 20);
    await expect(
      sharp(cut, { animated: true, failOn: 'error' }).raw().toBuffer(),
    ).resolves.toBeDefined();

    expect(findGifStructureDefect(cut)).toBe(
      `it ends at byte ${cut.length}, inside the LZW data of image 3`,
    );
  });

  it('reports a GIF cut at any point', () => {
    for (const gif of [still, animated]) {
      for (let length = 0; length < gif.length; length++) {
        expect(findGifStructureDefect(gif.subarray(0, length))).not.toBeNull();
      }
    }
  });

  it.each([
    { cutAt: 3, defect: 'it does not start with a GIF87a or GIF89a header' },
    { cutAt: 10, defect: 'it ends at byte 10, inside the logical screen descriptor' },
    { cutAt: 20, defect: 'it ends at byte 20, inside the global colour table' },
  ])('says where a GIF cut at byte $cutAt ends', ({ cutAt, defect }) => {
    expect(findGifStructureDefect(animated.subarray(0, cutAt))).toBe(defect);
  });

  it('says that a GIF that stops between blocks has no trailer', () => {
    const withoutTrailer = animated.subarray(0, animated.length - 1);

    expect(findGifStructureDefect(withoutTrailer)).toBe(
      `it ends at byte ${withoutTrailer.length} after 3 images, without the trailer that closes a whole GIF`,
    );
  });

  it('reports an unknown block type', () => {
    const corrupt = beforeTrailer(still, Buffer.from([0x42, 1, 2, 3]));

    expect(findGifStructureDefect(corrupt)).toMatch(/unknown block type 0x42 at byte \d+/);
  });

  it('reports a GIF that holds no image', () => {
    const { screenEnd } = walkGif(still).structure!;
    const screenOnly = Buffer.concat([still.subarray(0, screenEnd), Buffer.from([0x3b])]);

    expect(findGifStructureDefect(screenOnly)).toBe('it holds no image');
  });

  it.each([
    { name: 'empty', data: Buffer.alloc(0) },
    { name: 'HTML', data: Buffer.from('<!doctype html><html></html>') },
    { name: 'a PNG', data: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') },
  ])('reports content that is $name', ({ data }) => {
    expect(findGifStructureDefect(data)).toBe('it does not start with a GIF87a or GIF89a header');
  });
});
