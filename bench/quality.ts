/**
 * What each image loses, format by format: the service's compressor and quality scorer in this
 * process, one image per core, on the photo-like corpus. It gives the bytes of the same-format
 * output, the mean and lowest SSIM score against the sources, the compression's speed, and the
 * scoring's CPU beside the compression's own (the cost of QUALITY_SCORE).
 *
 * Run alone: `npx ts-node --transpile-only bench/quality.ts` (BENCH_IMAGES, default 60).
 */
import { availableParallelism } from 'node:os';
import { CompressedImage, ImageCompressor } from '../src/processing/image-compressor';
import { QualityScorer } from '../src/processing/quality-scorer';
import { BenchImage, generateImages } from './photo-corpus';
import { runPool, sum, timed } from './stats';
import { groupsOf } from './throughput';

export interface QualityFigures {
  format: string;
  images: number;
  /** Images whose source was kept, and so have no score. */
  kept: number;
  bytesIn: number;
  bytesOut: number;
  meanScore: number | null;
  minScore: number | null;
  /** Compression alone, one image per core. */
  megapixelsPerSecond: number;
  compressCpuMsPerImage: number;
  /** Scoring alone, per scored image. */
  scoreCpuMsPerImage: number;
  /** Scoring's CPU over the compression's, for the same images. */
  scoreCpuShare: number;
}

export async function measureQuality(
  images: readonly BenchImage[],
  cores: number,
): Promise<QualityFigures[]> {
  const compression = { profile: 'balanced', concurrency: cores } as const;
  const compressor = new ImageCompressor(compression);
  const scorer = new QualityScorer(compression, { scoreImages: true });
  // First-use costs are not throughput.
  const warm = await compressor.compress(images[0].data);
  await scorer.score(images[0].data, warm);

  const figures: QualityFigures[] = [];
  for (const [format, members] of groupsOf(images)) {
    const outputs = new Array<CompressedImage>(members.length);
    const compressing = await timed(() =>
      runPool(members, cores, async (image, index) => {
        outputs[index] = await compressor.compress(image.data);
      }),
    );
    const scores: number[] = [];
    const scoring = await timed(() =>
      runPool(members, cores, async (image, index) => {
        if (outputs[index].skipReason) return;
        const score = await scorer.score(image.data, outputs[index]);
        if (score !== null) scores.push(score);
      }),
    );
    const megapixels = sum(members.map((image) => image.megapixels));
    figures.push({
      format,
      images: members.length,
      kept: outputs.filter((output) => output.skipReason).length,
      bytesIn: sum(members.map((image) => image.data.length)),
      bytesOut: sum(outputs.map((output) => output.data.length)),
      meanScore: scores.length > 0 ? sum(scores) / scores.length : null,
      minScore: scores.length > 0 ? Math.min(...scores) : null,
      megapixelsPerSecond: megapixels / (compressing.wallMs / 1000),
      compressCpuMsPerImage: compressing.cpuMs / members.length,
      scoreCpuMsPerImage: scores.length > 0 ? scoring.cpuMs / scores.length : 0,
      scoreCpuShare: scoring.cpuMs / compressing.cpuMs,
    });
  }
  return figures;
}

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_IMAGES ?? 60);
  const cores = availableParallelism();
  process.stderr.write(`Generating ${count} photo-like images…\n`);
  const images = await generateImages(count);
  process.stderr.write(`Compressing and scoring them, ${cores} at a time…\n`);
  const { qualitySection } = await import('./report');
  process.stdout.write(`${qualitySection(await measureQuality(images, cores)).join('\n')}\n`);
}

if (require.main === module) void main();
