import { VariantDropReason } from '../requests/request-status';
import { planVariants, VariantSource } from './variant-plan';

const MAX_AVIF_PIXELS = 12_000_000;
const photo: VariantSource = {
  format: 'jpeg',
  width: 4000,
  height: 3000,
  frames: 1,
  targetScore: 0.93,
};

const reasons = (image: VariantSource) =>
  planVariants(['webp', 'avif'], image, MAX_AVIF_PIXELS).map((variant) => [
    variant.format,
    variant.dropReason,
  ]);

describe('planVariants', () => {
  it('encodes every asked variant of a still image, each to reach its score', () => {
    expect(planVariants(['webp', 'avif'], photo, MAX_AVIF_PIXELS)).toEqual([
      { format: 'webp', targetScore: 0.93, dropReason: null },
      { format: 'avif', targetScore: 0.93, dropReason: null },
    ]);
  });

  it('skips AVIF above its pixel limit, but not WebP', () => {
    expect(reasons({ ...photo, width: 4001 })).toEqual([
      ['webp', null],
      ['avif', VariantDropReason.TooLarge],
    ]);
  });

  it('makes no variant of an animation', () => {
    expect(reasons({ ...photo, format: 'gif', frames: 12 })).toEqual([
      ['webp', VariantDropReason.Animated],
      ['avif', VariantDropReason.Animated],
    ]);
  });

  it('makes no variant in the format the output already has', () => {
    expect(reasons({ ...photo, format: 'webp' })).toEqual([
      ['webp', VariantDropReason.SameFormat],
      ['avif', null],
    ]);
  });

  it('makes none when there is no score to reach', () => {
    expect(reasons({ ...photo, targetScore: null })).toEqual([
      ['webp', VariantDropReason.NotScored],
      ['avif', VariantDropReason.NotScored],
    ]);
  });
});
