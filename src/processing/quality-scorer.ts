/**
 * Scores a compressed image against its source: the mean SSIM of their 8-bit luma, both
 * downscaled alike to at most one megapixel (Wang et al. 2004; `structural-similarity.ts`).
 *
 * Transparent pixels are laid on white before the luma is taken, so that a change of alpha
 * shows as it would on a white page. An animation is scored on its first frame.
 */
import { Injectable, Logger } from '@nestjs/common';
import sharp from 'sharp';
import { CompressionConfig, QualityConfig } from '../config/config';
import { CpuSlots } from './cpu-slots';
import { GreyImage, structuralSimilarity } from './structural-similarity';

/** The largest comparison, in pixels: enough to see compression artefacts, cheap to compute. */
export const MAX_COMPARISON_PIXELS = 1_000_000;

/**
 * The SSIM map is averaged over every other pixel across and down: on the benchmark's corpus
 * that moves the score by at most 0.00006 from scikit-image's full mean, for 40% of the work.
 */
const MAP_STEP = 2;

const SCORE_DECIMALS = 4;
const WHITE = '#ffffff';

export interface ImageSize {
  /** Upright, after the source's EXIF orientation; an animation's frame. */
  width: number;
  height: number;
}

/** The compared images are re-read from their bytes, not from any earlier decode. */
export interface ScoredImage extends ImageSize {
  data: Buffer;
}

/**
 * Scores with at most COMPRESSION_CONCURRENCY comparisons at once, on slots of its own, so a
 * comparison never holds back a compression; QUALITY_SCORE=true turns it on.
 */
@Injectable()
export class QualityScorer {
  private readonly logger = new Logger(QualityScorer.name);
  private readonly slots: CpuSlots;
  private readonly enabled: boolean;

  constructor(compression: CompressionConfig, quality: QualityConfig) {
    this.slots = new CpuSlots(compression.concurrency);
    this.enabled = quality.scoreImages;
  }

  /**
   * The SSIM of `output` against `source`, from 0 to 1 in four decimals; null when scoring is
   * off, the image is too small to have a window, or scoring failed, which only logs: a score
   * is worth less than the image it describes.
   */
  async score(source: Buffer, output: ScoredImage): Promise<number | null> {
    if (!this.enabled) return null;
    try {
      return await this.slots.run(() => scoreOf(source, output));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Scoring an image failed: ${reason}`);
      return null;
    }
  }
}

async function scoreOf(source: Buffer, output: ScoredImage): Promise<number | null> {
  const size = comparisonSize(output);
  if (!size) return null;
  const [reference, distorted] = await Promise.all([
    comparisonLuma(source, size),
    comparisonLuma(output.data, size),
  ]);
  const similarity = await structuralSimilarity(reference, distorted, { step: MAP_STEP });
  return Number(similarity.toFixed(SCORE_DECIMALS));
}

/** The size both images are compared at: the image's, scaled down to at most 1 MP. */
export function comparisonSize({ width, height }: ImageSize): ImageSize | null {
  const scale = Math.min(1, Math.sqrt(MAX_COMPARISON_PIXELS / (width * height)));
  const size = {
    width: Math.max(1, Math.floor(width * scale)),
    height: Math.max(1, Math.floor(height * scale)),
  };
  return size.width >= 11 && size.height >= 11 ? size : null;
}

/** An image's 8-bit luma at the comparison size, upright, transparency laid on white. */
export async function comparisonLuma(image: Buffer, size: ImageSize): Promise<GreyImage> {
  const { data, info } = await sharp(image, { failOn: 'error' })
    .autoOrient()
    .flatten({ background: WHITE })
    .resize(size.width, size.height, { fit: 'fill' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 || info.width !== size.width || info.height !== size.height) {
    throw new Error(
      `The comparison came out ${info.width}×${info.height}×${info.channels}, ` +
        `not ${size.width}×${size.height}×1`,
    );
  }
  return { width: info.width, height: info.height, pixels: data };
}
