import sharp, { Sharp } from 'sharp';
import { comparisonSize, QualityScorer } from './quality-scorer';

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
