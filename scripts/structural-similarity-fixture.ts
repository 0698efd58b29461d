/**
 * Writes the pairs of 8-bit luma images that `structural-similarity.spec.ts` scores, into
 * `src/processing/fixtures/structural-similarity.json`, without their reference scores; then
 * `scripts/structural-similarity-reference.py` adds scikit-image's score of each pair:
 *
 *   npx ts-node --transpile-only scripts/structural-similarity-fixture.ts
 *   python3 scripts/structural-similarity-reference.py   # Debian: apt-get install python3-skimage
 *
 * The photographs are crops of the benchmark's photo-like corpus and of the service's output
 * for them, compared as the service compares them; the others are edge cases of the formula.
 */
import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { generateImages } from '../bench/photo-corpus';
import { ImageCompressor } from '../src/processing/image-compressor';
import { comparisonLuma, comparisonSize } from '../src/processing/quality-scorer';
import { GreyImage } from '../src/processing/structural-similarity';

const FIXTURE = join(__dirname, '../src/processing/fixtures/structural-similarity.json');
const CROP = { width: 160, height: 120 };

interface Pair {
  name: string;
  reference: GreyImage;
  distorted: GreyImage;
}

async function corpusPairs(): Promise<Pair[]> {
  const compressor = new ImageCompressor({
    profile: 'balanced',
    concurrency: availableParallelism(),
  });
  const images = await generateImages(10);
  const chosen = images.filter((image) =>
    ['001-0.5mp.png', '003-1mp.jpg', '006-5mp.jpg', '010-0.5mp.webp'].includes(image.name),
  );
  const pairs: Pair[] = [];
  for (const image of chosen) {
    const compressed = await compressor.compress(image.data);
    const size = comparisonSize(compressed);
    if (!size) throw new Error(`${image.name} is too small to compare`);
    const [reference, distorted] = await Promise.all([
      comparisonLuma(image.data, size),
      comparisonLuma(compressed.data, size),
    ]);
    // A crop from the middle, where the photographs have their objects and labels.
    const left = Math.floor((size.width - CROP.width) / 2);
    const top = Math.floor((size.height - CROP.height) / 2);
    pairs.push({
      name: `${image.name} at half quality`,
      reference: crop(reference, left, top),
      distorted: crop(distorted, left, top),
    });
  }
  return pairs;
}

function crop(image: GreyImage, left: number, top: number): GreyImage {
  const pixels = new Uint8Array(CROP.width * CROP.height);
  for (let row = 0; row < CROP.height; row++) {
    const start = (top + row) * image.width + left;
    pixels.set(image.pixels.subarray(start, start + CROP.width), row * CROP.width);
  }
  return { ...CROP, pixels };
}

/** Deterministic pseudo-random bytes (a linear congruential generator). */
function noise(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

function grey(width: number, height: number, pixel: (x: number, y: number) => number): GreyImage {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      pixels[y * width + x] = Math.min(255, Math.max(0, Math.round(pixel(x, y))));
    }
  }
  return { width, height, pixels };
}

function edgeCasePairs(): Pair[] {
  const gradient = grey(37, 23, (x, y) => (x * 200) / 36 + y);
  const random = noise(64 * 48, 7);
  const moreRandom = noise(64 * 48, 11);
  const noisy = { width: 64, height: 48, pixels: random };
  return [
    { name: 'identical images', reference: gradient, distorted: gradient },
    {
      name: 'a gradient, brighter by 20',
      reference: gradient,
      distorted: grey(37, 23, (x, y) => (x * 200) / 36 + y + 20),
    },
    {
      name: 'noise with half as much noise added',
      reference: noisy,
      distorted: { ...noisy, pixels: random.map((value, i) => (value + moreRandom[i]) / 2) },
    },
    {
      name: 'two unrelated noises',
      reference: noisy,
      distorted: { ...noisy, pixels: moreRandom },
    },
    {
      name: 'a flat grey against black, the smallest size',
      reference: grey(11, 11, () => 128),
      distorted: grey(11, 11, () => 0),
    },
  ];
}

async function asPng(image: GreyImage): Promise<string> {
  const png = await sharp(image.pixels, {
    raw: { width: image.width, height: image.height, channels: 1 },
  })
    .toColourspace('b-w')
    .png({ compressionLevel: 9 })
    .toBuffer();
  return png.toString('base64');
}

async function main(): Promise<void> {
  const pairs = [...(await corpusPairs()), ...edgeCasePairs()];
  const fixture = await Promise.all(
    pairs.map(async (pair) => ({
      name: pair.name,
      reference: await asPng(pair.reference),
      distorted: await asPng(pair.distorted),
      skimage: null,
    })),
  );
  writeFileSync(FIXTURE, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`Wrote ${fixture.length} pairs to ${FIXTURE}`);
}

void main();
