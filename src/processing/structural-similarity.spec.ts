import sharp from 'sharp';
import fixture from './fixtures/structural-similarity.json';
import { GreyImage, structuralSimilarity } from './structural-similarity';

/** The agreement with scikit-image that the score promises. */
const AGREEMENT = 0.005;

async function decode(base64Png: string): Promise<GreyImage> {
  const { data, info } = await sharp(Buffer.from(base64Png, 'base64'))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(1);
  return { width: info.width, height: info.height, pixels: data };
}

/**
 * The pairs and scikit-image's scores of them (`structural_similarity(gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False, data_range=255)`) were computed once, by
 * `scripts/structural-similarity-fixture.ts` and `scripts/structural-similarity-reference.py`.
 */
describe('structuralSimilarity', () => {
  const pairs = fixture.map((pair) => [pair.name, pair] as const);

  it.each(pairs)('scores %s as scikit-image does', async (_name, pair) => {
    const score = await structuralSimilarity(
      await decode(pair.reference),
      await decode(pair.distorted),
    );
    expect(Math.abs(score - Number(pair.skimage))).toBeLessThan(1e-9);
  });

  const photographs = pairs.filter(([name]) => name.endsWith('at half quality'));

  it.each(photographs)(
    'scores %s within the promised agreement when it averages every 7th pixel',
    async (_name, pair) => {
      const score = await structuralSimilarity(
        await decode(pair.reference),
        await decode(pair.distorted),
        { step: 7 },
      );
      expect(Math.abs(score - Number(pair.skimage))).toBeLessThan(AGREEMENT);
    },
  );

  it.each(pairs)(
    'scores %s within the promised agreement when it averages every other pixel',
    async (_name, pair) => {
      const score = await structuralSimilarity(
        await decode(pair.reference),
        await decode(pair.distorted),
        { step: 2 },
      );
      expect(Math.abs(score - Number(pair.skimage))).toBeLessThan(AGREEMENT);
    },
  );

  it('gives the event loop back between bands of rows', async () => {
    const size = { width: 300, height: 400 };
    const image = { ...size, pixels: new Uint8Array(size.width * size.height).fill(90) };
    let turns = 0;
    const score = await structuralSimilarity(image, image, {
      yieldToEventLoop: () => {
        turns++;
        return Promise.resolve();
      },
    });
    expect(score).toBe(1);
    expect(turns).toBeGreaterThanOrEqual(5);
  });

  it('refuses images of different sizes, or smaller than its window', async () => {
    const image = (width: number, height: number): GreyImage => ({
      width,
      height,
      pixels: new Uint8Array(width * height),
    });
    await expect(structuralSimilarity(image(20, 20), image(20, 21))).rejects.toThrow(
      'Cannot compare a 20×20 image with a 20×21 one',
    );
    await expect(structuralSimilarity(image(10, 30), image(10, 30))).rejects.toThrow(
      'SSIM needs at least 11×11 pixels, not 10×30',
    );
  });
});
