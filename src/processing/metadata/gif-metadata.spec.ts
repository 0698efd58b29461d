import sharp, { Sharp } from 'sharp';
import { stripGifMetadata } from './gif-metadata';
import { walkGif } from './gif-structure';

function frames(count: number): Sharp {
  const [width, height] = [24, 16];
  const pixels = Buffer.alloc(width * height * count * 3);
  for (let index = 0; index < pixels.length; index++) pixels[index] = (index * 37) % 251;
  const pageHeight = count > 1 ? height : undefined;
  return sharp(pixels, { raw: { width, height: height * count, channels: 3, pageHeight } });
}

function extension(label: number, data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x21, label])];
  for (let offset = 0; offset < data.length; offset += 255) {
    const block = data.subarray(offset, offset + 255);
    parts.push(Buffer.from([block.length]), block);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

const comment = (text: string) => extension(0xfe, Buffer.from(text, 'latin1'));

/** Application data is not in sub-blocks of its own; XMP is made walkable by a magic trailer. */
function xmpApplicationExtension(xmp: string): Buffer {
  const magicTrailer = Buffer.from([0x01, ...Array.from({ length: 256 }, (_, i) => 255 - i), 0]);
  return Buffer.concat([
    Buffer.from([0x21, 0xff, 11]),
    Buffer.from('XMP DataXMP', 'latin1'),
    Buffer.from(xmp, 'latin1'),
    magicTrailer,
  ]);
}

function applicationExtension(identifier: string, data: string): Buffer {
  return Buffer.concat([
    Buffer.from([0x21, 0xff, 11]),
    Buffer.from(identifier, 'latin1'),
    extension(0, Buffer.from(data, 'latin1')).subarray(2),
  ]);
}

/** Inserts blocks after the screen (before the first image or extension) and before the trailer. */
function withBlocks(gif: Buffer, first: Buffer[], last: Buffer[]): Buffer {
  const { screenEnd, trailerOffset } = walkGif(gif).structure!;
  return Buffer.concat([
    gif.subarray(0, screenEnd),
    ...first,
    gif.subarray(screenEnd, trailerOffset),
    ...last,
    gif.subarray(trailerOffset, trailerOffset + 1),
  ]);
}

async function expectSameFrames(actual: Buffer, expected: Buffer): Promise<void> {
  const [actualPixels, expectedPixels] = await Promise.all([
    sharp(actual, { animated: true }).raw().toBuffer(),
    sharp(expected, { animated: true }).raw().toBuffer(),
  ]);
  expect(actualPixels.equals(expectedPixels)).toBe(true);
}

const XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/">PLANTED-XMP-CREATOR</x:xmpmeta>';

describe('stripGifMetadata', () => {
  it('removes comments and XMP but keeps every frame, its timing and the loop count', async () => {
    const animated = await frames(3)
      .gif({ loop: 3, delay: [50, 100, 150] })
      .toBuffer();
    const source = withBlocks(
      animated,
      [xmpApplicationExtension(XMP), comment('PLANTED-COMMENT-FIRST')],
      [comment('PLANTED-COMMENT-LAST')],
    );
    expect(walkGif(source).defect).toBeNull();

    const stripped = stripGifMetadata(source);

    expect(stripped).toEqual(animated);
    expect(await sharp(stripped, { animated: true }).metadata()).toMatchObject({
      pages: 3,
      loop: 3,
      delay: [50, 100, 150],
    });
    await expectSameFrames(stripped, source);
  });

  it('keeps the ICC profile and the ANIMEXTS loop extension, and drops other applications', async () => {
    const still = await frames(1).gif().toBuffer();
    const loop = applicationExtension('ANIMEXTS1.0', '\x01\0\0');
    const icc = applicationExtension('ICCRGBG1012', 'pretend-icc-profile');
    const source = withBlocks(
      still,
      [loop, icc, applicationExtension('PRIVATE!1.0', 'PLANTED-PRIVATE')],
      [],
    );

    const stripped = stripGifMetadata(source);

    expect(stripped).toEqual(withBlocks(still, [loop, icc], []));
    await expectSameFrames(stripped, source);
  });

  it('keeps graphic control extensions, which hold transparency and frame delays', async () => {
    const still = await frames(1).gif().toBuffer();
    const graphicControl = walkGif(still).structure!.blocks.find(
      (block) => block.kind === 'extension' && block.label === 0xf9,
    );
    expect(graphicControl).toBeDefined();

    expect(stripGifMetadata(still)).toEqual(still);
  });

  it('cuts whatever follows the trailer', async () => {
    const still = await frames(1).gif().toBuffer();

    const stripped = stripGifMetadata(Buffer.concat([still, Buffer.from('PLANTED-TRAILER')]));

    expect(stripped).toEqual(still);
  });
});
