/**
 * The WebP and AVIF variants beside the same-format output, format by format, on the
 * photo-like corpus: the bytes of each, the mean score of each against the sources, and the
 * speed of each (the variant's whole quality search and final encode), one image per core.
 *
 * Run alone: `npx ts-node --transpile-only bench/variants.ts` (BENCH_IMAGES, default 20).
 */
import { availableParallelism } from 'node:os';
import { VariantFormat } from '../src/common/variant-formats';
import { CompressedImage, ImageCompressor } from '../src/processing/image-compressor';
import { QualityScorer } from '../src/processing/quality-scorer';
import { VariantEncoder } from '../src/processing/variant-encoder';
import { BenchImage, generateImages } from './photo-corpus';
import { runPool, sum, timed } from './stats';

export interface OutputFigures {
  /** `same format`, `webp` or `avif`. */
  output: string;
  images: number;
  /** Variants kept: smaller than the same-format output at its score. */
  kept: number;
  bytes: number;
  meanScore: number | null;
  megapixelsPerSecond: number;
  cpuMsPerImage: number;
}

export interface VariantFigures {
  /** The sources' format. */
  format: string;
  outputs: OutputFigures[];
}

const VARIANTS: VariantFormat[] = ['webp', 'avif'];

export async function measureVariants(
  images: readonly BenchImage[],
  cores: number,
): Promise<VariantFigures[]> {
  const compression = { profile: 'balanced', concurrency: cores } as const;
  const compressor = new ImageCompressor(compression);
  const scorer = new QualityScorer(compression, { scoreImages: true });
  const encoder = new VariantEncoder(
    compression,
    { defaultFormats: [], avifConcurrency: cores, avifMaxPixels: Infinity },
    scorer,
  );
  const figures: VariantFigures[] = [];
  for (const format of ['jpeg', 'png', 'webp']) {
    const members = images.filter((image) => image.format === format);
    if (members.length === 0) continue;
    const megapixels = sum(members.map((image) => image.megapixels));
    const outputs = new Array<CompressedImage>(members.length);
    const compressing = await timed(() =>
      runPool(members, cores, async (image, index) => {
        outputs[index] = await compressor.compress(image.data);
      }),
    );
    const targets = await Promise.all(
      members.map((image, index) => scorer.measure(image.data, outputs[index])),
    );
    const scored = targets.filter((score): score is number => score !== null);
    const rows: OutputFigures[] = [
      {
        output: `${format} (same)`,
        images: members.length,
        kept: members.length,
        bytes: sum(outputs.map((output) => output.data.length)),
        meanScore: scored.length > 0 ? sum(scored) / scored.length : null,
        megapixelsPerSecond: megapixels / (compressing.wallMs / 1000),
        cpuMsPerImage: compressing.cpuMs / members.length,
      },
    ];
    for (const variant of VARIANTS.filter((each) => each !== format)) {
      const bytes: number[] = [];
      const scores: number[] = [];
      let kept = 0;
      const encoding = await timed(() =>
        runPool(members, cores, async (image, index) => {
          const target = targets[index];
          if (target === null) return;
          const encoded = await encoder.encode(image.data, outputs[index], variant, target);
          if (!encoded.reached) return;
          bytes.push(encoded.data.length);
          scores.push(encoded.score);
          if (encoded.data.length < outputs[index].data.length) kept += 1;
        }),
      );
      rows.push({
        output: variant,
        images: scores.length,
        kept,
        bytes: sum(bytes),
        meanScore: scores.length > 0 ? sum(scores) / scores.length : null,
        megapixelsPerSecond: megapixels / (encoding.wallMs / 1000),
        cpuMsPerImage: encoding.cpuMs / members.length,
      });
    }
    figures.push({ format, outputs: rows });
  }
  return figures;
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_IMAGES ?? 20);
  const cores = availableParallelism();
  process.stderr.write(`Generating ${count} photo-like images…\n`);
  const images = await generateImages(count);
  process.stderr.write(`Encoding their variants, ${cores} at a time…\n`);
  const { variantsSection } = await import('./report');
  process.stdout.write(`${variantsSection(await measureVariants(images, cores)).join('\n')}\n`);
}

if (require.main === module) void main();
