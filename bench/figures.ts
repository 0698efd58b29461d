/** What a run of image work is measured by, for the floor and the service alike. */
import { BenchImage } from './photo-corpus';
import { sum } from './stats';

export interface RunFigures {
  images: number;
  megapixels: number;
  wallMs: number;
  imagesPerSecond: number;
  megapixelsPerSecond: number;
  /** CPU time of the measured processes (user + system). */
  cpuMs: number;
  cpuMsPerImage: number;
  /** CPU used over the run, as a share of all the cores (1 = every core busy throughout). */
  coresBusy: number;
  /** The whole machine's busy share over the same time: above coresBusy means competition. */
  machineBusy: number | null;
  bytesIn: number;
  bytesOut: number;
}

export function runFigures(
  images: readonly BenchImage[],
  time: { wallMs: number; cpuMs: number; machineBusyShare: number | null },
  cores: number,
  bytesOut: number,
): RunFigures {
  const megapixels = sum(images.map((image) => image.megapixels));
  const seconds = time.wallMs / 1000;
  return {
    images: images.length,
    megapixels,
    wallMs: time.wallMs,
    imagesPerSecond: images.length / seconds,
    megapixelsPerSecond: megapixels / seconds,
    cpuMs: time.cpuMs,
    cpuMsPerImage: time.cpuMs / images.length,
    coresBusy: time.cpuMs / (time.wallMs * cores),
    machineBusy: time.machineBusyShare,
    bytesIn: sum(images.map((image) => image.data.length)),
    bytesOut,
  };
}
