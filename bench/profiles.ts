/**
 * What each COMPRESSION_PROFILE costs and saves, format by format: sharp alone on the same
 * images, one image per core, and whether the JPEGs still read back at exactly half quality.
 */
import sharp from 'sharp';
import { COMPRESSION_PROFILES, CompressionProfile } from '../src/config/environment';
import { sharpWorkOf } from '../src/processing/image-compressor';
import { estimateJpegQuality } from '../src/processing/jpeg-quality';
import { measureFloor } from './floor';
import { BenchImage } from './photo-corpus';
import { sum } from './stats';
import { groupsOf } from './throughput';

export interface ProfileFigures {
  profile: CompressionProfile;
  format: string;
  images: number;
  megapixelsPerSecond: number;
  cpuMsPerImage: number;
  /** Output bytes over input bytes, all images together. */
  outputShare: number;
  /** JPEGs whose tables read back as exactly half the source quality; null for other formats. */
  exactHalf: number | null;
}

export async function measureProfiles(
  images: readonly BenchImage[],
  cores: number,
): Promise<ProfileFigures[]> {
  const figures: ProfileFigures[] = [];
  for (const [format, members] of groupsOf(images)) {
    if (format === 'all') continue;
    for (const profile of COMPRESSION_PROFILES) {
      const run = await measureFloor(members, profile, cores);
      figures.push({
        profile,
        format,
        images: members.length,
        megapixelsPerSecond: run.megapixelsPerSecond,
        cpuMsPerImage: run.cpuMsPerImage,
        outputShare: run.bytesOut / run.bytesIn,
        exactHalf: format === 'jpeg' ? await exactHalves(members, profile) : null,
      });
    }
  }
  return figures;
}

async function exactHalves(jpegs: BenchImage[], profile: CompressionProfile): Promise<number> {
  sharp.concurrency(1);
  const exact = await Promise.all(
    jpegs.map(async (image) => {
      const output = await (await sharpWorkOf(image.data, profile)).toBuffer();
      const target = Math.max(1, Math.round((await estimateJpegQuality(image.data)) / 2));
      return (await estimateJpegQuality(output)) === target ? 1 : 0;
    }),
  );
  return sum(exact);
}
