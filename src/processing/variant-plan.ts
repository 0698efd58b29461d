import { VariantFormat } from '../common/variant-formats';
import { OwedVariant } from '../requests/image-outcome';
import { VariantDropReason } from '../requests/request-status';

/** What the same-format output of an image was, as far as its variants are concerned. */
export interface VariantSource {
  format: string;
  width: number;
  height: number;
  frames: number;
  /** The same-format output's score; null when the image is too small to score. */
  targetScore: number | null;
}

/**
 * The asked variants of an image: each to encode (`dropReason` null), or dropped before any
 * encoding.
 *
 * Which of the asked variants of an image are worth encoding. Animations get none: a WebP or
 * AVIF still of the first frame would not be the same image, and animated AVIF is not what
 * catalogs serve. AVIF is skipped above `avifMaxPixels`, for its memory.
 */
export function planVariants(
  asked: readonly VariantFormat[],
  image: VariantSource,
  avifMaxPixels: number,
): OwedVariant[] {
  return asked.map((format) => ({
    format,
    targetScore: image.targetScore,
    dropReason: dropReasonOf(format, image, avifMaxPixels),
  }));
}

function dropReasonOf(
  format: VariantFormat,
  image: VariantSource,
  avifMaxPixels: number,
): VariantDropReason | null {
  if (image.format === format) return VariantDropReason.SameFormat;
  if (image.frames > 1) return VariantDropReason.Animated;
  if (format === 'avif' && image.width * image.height > avifMaxPixels) {
    return VariantDropReason.TooLarge;
  }
  if (image.targetScore === null) return VariantDropReason.NotScored;
  return null;
}
