/**
 * The ceiling: the service's own ImageCompressor on images already in memory, in this one
 * process, with no queue, database, HTTP or disk. Also the floor: download-then-compress, one
 * image at a time.
 */
import axios from 'axios';
import { performance } from 'node:perf_hooks';
import sharp, { JpegOptions } from 'sharp';
import { ImageCompressor } from '../src/processing/image-compressor';
import { estimateJpegQuality } from '../src/processing/jpeg-quality';
import { latency, LatencyFigures, mean, runPool, sum, timed } from './stats';
import { BenchImage, BenchFormat } from './photo-corpus';

/** What sharp chose for this process before the bench changed anything. */
export const SHARP_DEFAULT_CONCURRENCY = sharp.concurrency();

export interface ThroughputFigures {
  images: number;
  megapixels: number;
  wallMs: number;
  imagesPerSecond: number;
  megapixelsPerSecond: number;
  /** CPU used over wall time, as a share of all cores (1 = every core busy throughout). */
  cpuShare: number | null;
  /** The whole machine's busy share over the same time: above cpuShare means competition. */
  machineBusyShare: number | null;
  /** CPU milliseconds per image: compare the service's against this to see its overhead. */
  cpuMsPerImage: number | null;
}

export interface SizeFigures {
  bytesIn: number;
  bytesOut: number;
  /** Mean over images of output bytes / input bytes. */
  meanRatio: number;
  /** Total output bytes / total input bytes. */
  overallRatio: number;
  /** Images whose re-encoding was not smaller, so the source was kept. */
  keptSource: number;
}

export interface FormatShare {
  format: BenchFormat;
  images: number;
  megapixels: number;
  /** Sum of per-image compress times: the format's share of the CPU work. */
  compressMs: number;
  megapixelsPerSecondPerJob: number;
}

export interface LimitRun extends ThroughputFigures {
  label: string;
  vipsThreads: number;
  parallel: number;
  /** One image's compress time, waiting for a thread included. */
  perImageMs: LatencyFigures;
}

export interface LimitFigures {
  sharpDefaultConcurrency: number;
  runs: LimitRun[];
  best: LimitRun;
  sizes: SizeFigures;
  formats: FormatShare[];
}

export interface LimitConfig {
  vipsThreads: number;
  parallel: number;
}

export function throughput(
  images: readonly BenchImage[],
  time: { wallMs: number; cpuMs: number | null; machineBusyShare: number | null },
  cores: number,
): ThroughputFigures {
  const { wallMs, cpuMs, machineBusyShare } = time;
  const megapixels = sum(images.map((image) => image.megapixels));
  return {
    images: images.length,
    megapixels,
    wallMs,
    imagesPerSecond: images.length / (wallMs / 1000),
    megapixelsPerSecond: megapixels / (wallMs / 1000),
    cpuShare: cpuMs === null ? null : cpuMs / (wallMs * cores),
    cpuMsPerImage: cpuMs === null ? null : cpuMs / images.length,
    machineBusyShare,
  };
}

export interface CompressOutput {
  bytesIn: number;
  bytesOut: number;
  kept: boolean;
}

export function sizeFigures(pairs: CompressOutput[]): SizeFigures {
  const bytesIn = sum(pairs.map((pair) => pair.bytesIn));
  const bytesOut = sum(pairs.map((pair) => pair.bytesOut));
  return {
    bytesIn,
    bytesOut,
    meanRatio: mean(pairs.map((pair) => pair.bytesOut / pair.bytesIn)),
    overallRatio: bytesOut / bytesIn,
    keptSource: pairs.filter((pair) => pair.kept).length,
  };
}

/** One pass over the images with the given libvips threads and images in flight. */
export async function measureLimitRun(
  images: readonly BenchImage[],
  config: LimitConfig,
  cores: number,
): Promise<{ run: LimitRun; outputs: CompressOutput[]; compressMs: number[] }> {
  const compressor = new ImageCompressor();
  const smallest = [...images].sort((left, right) => left.megapixels - right.megapixels)[0];
  const compressMs = new Array<number>(images.length).fill(0);
  const outputs = new Array<CompressOutput>(images.length);
  sharp.concurrency(config.vipsThreads);
  try {
    await compressor.compress(smallest.data); // warm-up: first-use costs are not throughput
    const time = await timed(() =>
      runPool(images, config.parallel, async (image, index) => {
        const start = performance.now();
        const result = await compressor.compress(image.data);
        compressMs[index] = performance.now() - start;
        outputs[index] = {
          bytesIn: image.data.length,
          bytesOut: result.data.length,
          kept: result.skipReason !== null,
        };
      }),
    );
    const defaultNote = config.vipsThreads === SHARP_DEFAULT_CONCURRENCY ? ' (sharp default)' : '';
    const run: LimitRun = {
      label: `vips threads ${config.vipsThreads}${defaultNote} × ${config.parallel} in flight`,
      vipsThreads: config.vipsThreads,
      parallel: config.parallel,
      ...throughput(images, time, cores),
      perImageMs: latency(compressMs),
    };
    return { run, outputs, compressMs };
  } finally {
    sharp.concurrency(SHARP_DEFAULT_CONCURRENCY);
  }
}

/** Every configuration once, in order; the fastest is the limit. */
export async function measureLimit(
  images: readonly BenchImage[],
  configs: readonly LimitConfig[],
  cores: number,
): Promise<LimitFigures> {
  const runs: LimitRun[] = [];
  let outputs: CompressOutput[] = [];
  // Per-format shares come from the first configuration's per-image times.
  let firstRunCompressMs: number[] | undefined;
  for (const config of configs) {
    const measured = await measureLimitRun(images, config, cores);
    runs.push(measured.run);
    outputs = measured.outputs;
    firstRunCompressMs ??= measured.compressMs;
  }
  const best = runs.reduce((left, right) => (right.wallMs < left.wallMs ? right : left));
  return {
    sharpDefaultConcurrency: SHARP_DEFAULT_CONCURRENCY,
    runs,
    best,
    sizes: sizeFigures(outputs),
    formats: formatShares(images, firstRunCompressMs ?? []),
  };
}

function formatShares(images: readonly BenchImage[], compressMs: number[]): FormatShare[] {
  const formats = [...new Set(images.map((image) => image.format))];
  return formats.map((format) => {
    const indices = images.flatMap((image, index) => (image.format === format ? [index] : []));
    const megapixels = sum(indices.map((index) => images[index].megapixels));
    const ms = sum(indices.map((index) => compressMs[index]));
    return {
      format,
      images: indices.length,
      megapixels,
      compressMs: ms,
      megapixelsPerSecondPerJob: megapixels / (ms / 1000),
    };
  });
}

export interface JpegSettingFigures {
  label: string;
  options: JpegOptions;
  wallMs: number;
  megapixelsPerSecond: number;
  bytesIn: number;
  bytesOut: number;
  /** Outputs whose quantisation tables read back as exactly the target quality. */
  readsBackExactly: number;
  images: number;
}

/**
 * The JPEGs re-encoded by sharp directly at half their quality, with the service's settings
 * (IJG tables) and with mozjpeg's trellis quantisation and optimised scans on the same tables.
 */
export async function measureJpegSettings(
  images: readonly BenchImage[],
  config: LimitConfig,
): Promise<JpegSettingFigures[]> {
  const jpegs = images.filter((image) => image.format === 'jpeg');
  const targets = jpegs.map((image) =>
    Math.max(1, Math.round(estimateJpegQuality(image.data) / 2)),
  );
  const settings: { label: string; options: JpegOptions }[] = [
    { label: 'current default (IJG tables)', options: { quantisationTable: 0, mozjpeg: false } },
    { label: 'mozjpeg trellis + IJG tables', options: { mozjpeg: true, quantisationTable: 0 } },
  ];
  const figures: JpegSettingFigures[] = [];
  sharp.concurrency(config.vipsThreads);
  for (const setting of settings) {
    const outputs = new Array<Buffer>(jpegs.length);
    const encode = (image: BenchImage, index: number) =>
      sharp(image.data, { failOn: 'error' })
        .keepIccProfile()
        .jpeg({ ...setting.options, quality: targets[index] })
        .toBuffer();
    await encode(jpegs[0], 0); // warm-up
    const time = await timed(() =>
      runPool(jpegs, config.parallel, async (image, index) => {
        outputs[index] = await encode(image, index);
      }),
    );
    figures.push({
      label: setting.label,
      options: setting.options,
      wallMs: time.wallMs,
      megapixelsPerSecond: sum(jpegs.map((image) => image.megapixels)) / (time.wallMs / 1000),
      bytesIn: sum(jpegs.map((image) => image.data.length)),
      bytesOut: sum(outputs.map((output) => output.length)),
      readsBackExactly: outputs.filter(
        (output, index) => estimateJpegQuality(output) === targets[index],
      ).length,
      images: jpegs.length,
    });
  }
  sharp.concurrency(SHARP_DEFAULT_CONCURRENCY);
  return figures;
}

/** Download then compress, one image at a time, with sharp's default concurrency. */
export async function measureNaive(
  images: readonly BenchImage[],
  urls: readonly string[],
  cores: number,
): Promise<ThroughputFigures> {
  const compressor = new ImageCompressor();
  const download = async (url: string): Promise<Buffer> => {
    const response = await axios.get<ArrayBuffer>(url, {
      responseType: 'arraybuffer',
      timeout: 30_000,
      proxy: false,
    });
    return Buffer.from(response.data);
  };
  await compressor.compress(await download(urls[0])); // warm-up
  const time = await timed(async () => {
    for (const url of urls) await compressor.compress(await download(url));
  });
  return throughput(images, time, cores);
}
