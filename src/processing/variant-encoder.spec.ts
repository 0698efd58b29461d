import sharp from 'sharp';
import { QualityScorer } from './quality-scorer';
import { VariantEncoder } from './variant-encoder';

const compression = { profile: 'balanced', concurrency: 1 } as const;
const scorer = new QualityScorer(compression, { scoreImages: false });
const encoder = new VariantEncoder(
  compression,
  { defaultFormats: [], avifConcurrency: 1, avifMaxPixels: 12_000_000 },
  scorer,
);

/** Smooth gradients with a little texture: a picture an encoder can trade quality on. */
function picture(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      pixels[offset] = (x * 255) / width;
      pixels[offset + 1] = (y * 255) / height;
      pixels[offset + 2] = ((x ^ y) & 31) * 4;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe('VariantEncoder', () => {
  it('encodes a WebP that reaches the score asked, and reports that score truly', async () => {
    const source = await picture(160, 120);
    // As the service passes it: the same-format output, whose own bytes must not be scored.
    const size = { width: 160, height: 120, data: source };

    const modest = await encoder.encode(source, size, 'webp', 0.8);
    const demanding = await encoder.encode(source, size, 'webp', 0.97);

    if (!modest.reached || !demanding.reached) throw new Error('A score was not reached');
    expect((await sharp(modest.data).metadata()).format).toBe('webp');
    expect(modest.score).toBeGreaterThanOrEqual(0.8);
    expect(demanding.score).toBeGreaterThanOrEqual(0.97);
    // The score is the variant's own, as the same-format output's is taken.
    expect(await scorer.measure(source, { ...size, data: demanding.data })).toBe(demanding.score);
    expect(demanding.score).toBeLessThan(1);
    expect(demanding.quality).toBeGreaterThan(modest.quality);
    expect(demanding.data.length).toBeGreaterThan(modest.data.length);
  });

  it('gives up a score that no quality reaches', async () => {
    const source = await picture(160, 120);

    const result = await encoder.encode(source, { width: 160, height: 120 }, 'webp', 1);

    expect(result).toMatchObject({ reached: false, quality: 100 });
    expect(result.score).toBeLessThan(1);
  });
});
