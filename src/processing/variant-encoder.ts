/**
 * Encodes an image's WebP and AVIF variants at the lowest quality whose score reaches its
 * same-format output's.
 *
 * The quality is found by a short binary search on the comparison the score is taken on (the
 * upright source downscaled to at most 1 MP): each probe encodes that small image and scores it
 * against the same downscaled source, which costs a fraction of a full encode. The full image is
 * then encoded at the quality found and scored as the same-format output was; should that miss
 * the target (the small image and the large one compress a little differently), a step or two
 * up the scale is tried before the variant is given up.
 */
import { Injectable } from '@nestjs/common';
import sharp, { AvifOptions, Sharp, WebpOptions } from 'sharp';
import { CompressionConfig, VariantsConfig } from '../config/config';
import { VariantFormat } from '../common/variant-formats';
import { Slots } from './slots';
import { MAX_INPUT_PIXELS } from './image-compressor';
import { findMetadata } from './metadata/metadata-scan';
import {
  comparisonLuma,
  comparisonSize,
  ImageSize,
  mapStep,
  QualityScorer,
  roundScore,
} from './quality-scorer';
import { structuralSimilarity } from './structural-similarity';

/** The search's range of encoder qualities. */
const LOWEST_QUALITY = 10;
const HIGHEST_QUALITY = 100;
/** Probes of the small comparison: 90 qualities narrowed to about 3. */
const SEARCH_PROBES = 5;
/** Full encodes tried above the quality found, when the full image misses the score. */
const EXTRA_STEPS = 2;
const STEP_UP = 5;

/**
 * AVIF at effort 4 at most: sharp #2597 records one 4000 px encode at a higher effort taking 4
 * cores and 2.5 GB. WebP at sharp's default effort. The search probes AVIF at effort 2, which
 * costs a tenth of effort 4 at nearly the same score for a quality; the full encode's score is
 * what decides.
 */
const VARIANT_SETTINGS: { webp: WebpOptions; avif: AvifOptions } = {
  webp: { effort: 4 },
  avif: { effort: 4 },
};
const PROBE_SETTINGS: { webp: WebpOptions; avif: AvifOptions } = {
  webp: { effort: 4 },
  avif: { effort: 2 },
};

/** A variant that reached the score, or the best the search found when none did. */
export type EncodedVariant =
  | { reached: true; data: Buffer; quality: number; score: number }
  | { reached: false; quality: number; score: number | null };

@Injectable()
export class VariantEncoder {
  private readonly slots: Record<VariantFormat, Slots>;

  constructor(
    compression: CompressionConfig,
    variants: VariantsConfig,
    private readonly scorer: QualityScorer,
  ) {
    this.slots = {
      webp: new Slots(compression.concurrency),
      avif: new Slots(variants.avifConcurrency),
    };
  }

  /**
   * Encodes `source` (whose upright size is `size`) as `format` at the lowest quality that
   * scores at least `targetScore`, with at most AVIF_CONCURRENCY AVIF encodes at once.
   */
  encode(
    source: Buffer,
    size: ImageSize,
    format: VariantFormat,
    targetScore: number,
  ): Promise<EncodedVariant> {
    return this.slots[format].run(() => this.search(source, size, format, targetScore));
  }

  private async search(
    source: Buffer,
    size: ImageSize,
    format: VariantFormat,
    targetScore: number,
  ): Promise<EncodedVariant> {
    let quality = await this.searchSmall(source, size, format, targetScore);
    let score: number | null = null;
    for (let step = 0; step <= EXTRA_STEPS; step++) {
      const data = await encodeAs(decoded(source), format, quality, VARIANT_SETTINGS);
      const metadata = await findMetadata(data, format);
      if (metadata !== null) throw new Error(`The ${format} variant carries metadata: ${metadata}`);
      score = await this.scorer.measure(source, { width: size.width, height: size.height, data });
      if (score !== null && score >= targetScore) return { reached: true, data, quality, score };
      if (quality === HIGHEST_QUALITY) break;
      quality = Math.min(HIGHEST_QUALITY, quality + STEP_UP);
    }
    return { reached: false, quality, score };
  }

  /** The lowest quality whose small encode reaches the score, to a few qualities' precision. */
  private async searchSmall(
    source: Buffer,
    size: ImageSize,
    format: VariantFormat,
    targetScore: number,
  ): Promise<number> {
    const compared = comparisonSize(size);
    if (!compared) return HIGHEST_QUALITY;
    const reference = await comparisonLuma(source, compared);
    const { data, info } = await decoded(source)
      .resize(compared.width, compared.height, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const small = () =>
      sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    let low = LOWEST_QUALITY;
    let high = HIGHEST_QUALITY;
    for (let probe = 0; probe < SEARCH_PROBES && low < high; probe++) {
      const quality = Math.floor((low + high) / 2);
      const encoded = await encodeAs(small(), format, quality, PROBE_SETTINGS);
      const similarity = await structuralSimilarity(
        reference,
        await comparisonLuma(encoded, compared),
        { step: mapStep(compared) },
      );
      if (roundScore(similarity) >= targetScore) high = quality;
      else low = quality + 1;
    }
    return high;
  }
}

/** The source decoded upright, its colour profile kept, as the compressor decodes it. */
function decoded(source: Buffer): Sharp {
  return sharp(source, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS })
    .autoOrient()
    .keepIccProfile();
}

function encodeAs(
  image: Sharp,
  format: VariantFormat,
  quality: number,
  settings: typeof VARIANT_SETTINGS,
): Promise<Buffer> {
  switch (format) {
    case 'webp':
      return image.webp({ ...settings.webp, quality }).toBuffer();
    case 'avif':
      return image.avif({ ...settings.avif, quality }).toBuffer();
  }
}
