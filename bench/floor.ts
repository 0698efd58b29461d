/**
 * The floor: sharp alone, in this process, doing exactly the service's encoding of images
 * already in memory (its profile's settings, one libvips thread per image, one image per core),
 * with no download, queue, database or storage around it.
 */
import sharp from 'sharp';
import { CompressionProfile } from '../src/config/config';
import { sharpWorkOf } from '../src/processing/image-compressor';
import { RunFigures, runFigures } from './figures';
import { BenchImage } from './photo-corpus';
import { runPool, timed } from './stats';

/** Compresses every image once, one per core in flight; the outputs' sizes come back too. */
export async function measureFloor(
  images: readonly BenchImage[],
  profile: CompressionProfile,
  cores: number,
): Promise<RunFigures & { outputBytes: number[] }> {
  const outputBytes = new Array<number>(images.length).fill(0);
  const previousThreads = sharp.concurrency();
  sharp.concurrency(1);
  try {
    await (await sharpWorkOf(images[0].data, profile)).toBuffer(); // first-use costs are not throughput
    const time = await timed(() =>
      runPool(images, cores, async (image, index) => {
        outputBytes[index] = (await (await sharpWorkOf(image.data, profile)).toBuffer()).length;
      }),
    );
    const bytesOut = outputBytes.reduce((total, bytes) => total + bytes, 0);
    return { ...runFigures(images, time, cores, bytesOut), outputBytes };
  } finally {
    sharp.concurrency(previousThreads);
  }
}
