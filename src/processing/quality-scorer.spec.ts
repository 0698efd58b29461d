import sharp, { Sharp } from 'sharp';
import { comparisonLuma, comparisonSize, mapStep, QualityScorer } from './quality-scorer';

const COMPRESSION = { profile: 'balanced', concurrency: 1 } as const;

/** Gradients under deterministic noise: detail that compression loses in proportion. */
function photo(width: number, height: number, channels: 3 | 4 = 3): Sharp {
  const pixels = Buffer.alloc(width * height * channels);
  let state = 7;
  for (let index = 0; index < width * height; index++) {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    const x = index % width;
    const y = Math.floor(index / width);
    const offset = index * channels;
    pixels[offset] = ((x * 255) / width + (state >> 26)) & 0xff;
    pixels[offset + 1] = ((y * 255) / height + (state >> 25)) & 0xff;
    pixels[offset + 2] = (x + y + (state >> 24)) & 0xff;
    if (channels === 4) pixels[offset + 3] = x < width / 2 ? 255 : 64;
  }
  return sharp(pixels, { raw: { width, height, channels } });
}

const scored = (data: Buffer, width: number, height: number) => ({ data, width, height });

describe('QualityScorer', () => {
  const scorer = new QualityScorer(COMPRESSION, { scoreImages: true });

  it('scores an image against itself as 1', async () => {
    const png = await photo(200, 150).png().toBuffer();
    expect(await scorer.score(png, scored(png, 200, 150))).toBe(1);
  });

  it('scores a JPEG lower the more its quality is cut, in four decimals', async () => {
    const source = await photo(320, 240).jpeg({ quality: 95 }).toBuffer();
    const atQuality = async (quality: number) =>
      scorer.score(source, scored(await sharp(source).jpeg({ quality }).toBuffer(), 320, 240));

    const half = await atQuality(48);
    const low = await atQuality(5);

    expect(half).toBeGreaterThan(0.5);
    expect(half).toBeLessThan(1);
    expect(low).toBeLessThan(half ?? 0);
    expect(Number(half?.toFixed(4))).toBe(half);
  });

  it('sees a change of transparency, laid on white', async () => {
    const source = await photo(200, 150, 4).png().toBuffer();
    const opaque = await sharp(source).removeAlpha().png().toBuffer();
    expect(await scorer.score(source, scored(opaque, 200, 150))).toBeLessThan(0.9);
  });

  it('compares an upright output with a source that EXIF turns upright', async () => {
    const upright = photo(160, 120);
    const output = await upright.clone().png().toBuffer();
    // Stored turned a quarter the other way, with orientation 6 to turn it back.
    const source = await sharp(await upright.clone().rotate(270).png().toBuffer())
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 100 })
      .toBuffer();
    expect(await scorer.score(source, scored(output, 160, 120))).toBeGreaterThan(0.95);
  });

  it('scores greyscale and 16-bit sources as it scores sRGB ones', async () => {
    const grey = await photo(200, 150).greyscale().png().toBuffer();
    const deep = await photo(200, 150).toColourspace('rgb16').png().toBuffer();
    expect(await scorer.score(grey, scored(grey, 200, 150))).toBe(1);
    expect(await scorer.score(deep, scored(deep, 200, 150))).toBe(1);
  });

  it('scores nothing when QUALITY_SCORE is off', async () => {
    const off = new QualityScorer(COMPRESSION, { scoreImages: false });
    const png = await photo(64, 64).png().toBuffer();
    expect(await off.score(png, scored(png, 64, 64))).toBeNull();
  });

  it('scores nothing for an image narrower than the window, nor for bytes it cannot read', async () => {
    const thin = await photo(10, 200).png().toBuffer();
    expect(await scorer.score(thin, scored(thin, 10, 200))).toBeNull();
    const png = await photo(64, 64).png().toBuffer();
    expect(await scorer.score(png, scored(Buffer.from('not an image'), 64, 64))).toBeNull();
  });
});

describe('comparisonSize', () => {
  it('scales an image down to at most one megapixel, keeping its shape', () => {
    const size = comparisonSize({ width: 4000, height: 3000 });
    expect(size).toEqual({ width: 1154, height: 866 });
    expect((size?.width ?? 0) * (size?.height ?? 0)).toBeLessThanOrEqual(1_000_000);
  });

  it('keeps a smaller image at its own size', () => {
    expect(comparisonSize({ width: 800, height: 600 })).toEqual({ width: 800, height: 600 });
  });
});

describe('comparisonLuma', () => {
  it('takes BT.601 luma from the colours, transparency laid on white', async () => {
    const colours = [
      [255, 0, 0, 255],
      [0, 255, 0, 255],
      [0, 0, 255, 255],
      [0, 0, 0, 0],
    ];
    const pixels = Buffer.from(
      colours.flatMap((colour) => Array<number[]>(64).fill(colour).flat()),
    );
    const strips = await sharp(pixels, { raw: { width: 16, height: 16, channels: 4 } })
      .png()
      .toBuffer();

    const luma = await comparisonLuma(strips, { width: 16, height: 16 });

    // Four strips of four rows: red, green, blue, and transparent black shown on white.
    expect([0, 4, 8, 12].map((row) => luma.pixels[row * 16 + 8])).toEqual([76, 150, 29, 255]);
  });
});

describe('mapStep', () => {
  it('averages every 7th pixel of a comparison of a megapixel', () => {
    expect(mapStep({ width: 1154, height: 866 })).toBe(7);
  });

  it('samples a smaller comparison more densely, and a small one whole', () => {
    expect(mapStep({ width: 800, height: 600 })).toBe(4);
    expect(mapStep({ width: 160, height: 120 })).toBe(1);
  });
});
