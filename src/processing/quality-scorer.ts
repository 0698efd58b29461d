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
import { Slots } from './slots';
import { GreyImage, structuralSimilarity } from './structural-similarity';

/** The largest comparison, in pixels: enough to see compression artefacts, cheap to compute. */
export const MAX_COMPARISON_PIXELS = 1_000_000;

/**
 * The SSIM map is averaged over every 7th pixel across and down, which costs a 7th of the full
 * map: on the benchmark's corpus that moves the score by at most 0.0005 from scikit-image's full
 * mean. A smaller comparison is sampled more densely, so that at least MIN_MAP_SAMPLES pixels are
 * averaged, and one of under 20,000 pixels over all of its map, exactly.
 */
const MAX_MAP_STEP = 7;
const MIN_MAP_SAMPLES = 20_000;

/** ITU-R BT.601 luma weights in 16-bit fixed point, summing to 65,536: Y′ of JPEG's YCbCr. */
const LUMA_RED = 19_595;
const LUMA_GREEN = 38_470;
const LUMA_BLUE = 7_471;
const LUMA_ROUNDING = 1 << 15;
const LUMA_SHIFT = 16;
const RGB = 3;

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
  private readonly slots: Slots;
  private readonly enabled: boolean;

  constructor(compression: CompressionConfig, quality: QualityConfig) {
    this.slots = new Slots(compression.concurrency);
    this.enabled = quality.scoreImages;
  }

  /**
   * The SSIM of `output` against `source`, from 0 to 1 in four decimals; null when scoring is
   * off, the image is too small to have a window, or scoring failed, which only logs: a score
   * is worth less than the image it describes.
   */
  async score(source: Buffer, output: ScoredImage): Promise<number | null> {
    return this.enabled ? this.measure(source, output) : null;
  }

  /**
   * The same score whether QUALITY_SCORE is on or not: what an image's variants must reach, and
   * what they reach.
   */
  async measure(source: Buffer, output: ScoredImage): Promise<number | null> {
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
  const similarity = await structuralSimilarity(reference, distorted, { step: mapStep(size) });
  return roundScore(similarity);
}

/** A score as it is shown and compared: four decimals. */
export function roundScore(similarity: number): number {
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

/** Every how many pixels, across and down, the SSIM map of a comparison is averaged. */
export function mapStep({ width, height }: ImageSize): number {
  const step = Math.floor(Math.sqrt((width * height) / MIN_MAP_SAMPLES));
  return Math.min(MAX_MAP_STEP, Math.max(1, step));
}

/**
 * An image's 8-bit luma (BT.601) at the comparison size, upright, transparency laid on white.
 * sharp decodes and resizes, and the luma is taken here from the small sRGB result: libvips'
 * greyscale goes through linear light, which costs more than the decode itself.
 */
export async function comparisonLuma(image: Buffer, size: ImageSize): Promise<GreyImage> {
  const { data, info } = await sharp(image, { failOn: 'error' })
    .autoOrient()
    .flatten({ background: WHITE })
    .resize(size.width, size.height, { fit: 'fill' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = size.width * size.height;
  if (info.width !== size.width || info.height !== size.height || data.length !== pixels * RGB) {
    throw new Error(
      `The comparison came out ${info.width}×${info.height}×${info.channels} in ` +
        `${data.length} bytes, not ${size.width}×${size.height}×${RGB}`,
    );
  }
  const luma = new Uint8Array(pixels);
  for (let pixel = 0, offset = 0; pixel < pixels; pixel++, offset += RGB) {
    luma[pixel] =
      (LUMA_RED * data[offset] +
        LUMA_GREEN * data[offset + 1] +
        LUMA_BLUE * data[offset + 2] +
        LUMA_ROUNDING) >>
      LUMA_SHIFT;
  }
  return { width: size.width, height: size.height, pixels: luma };
}
