/** The results of one run, and the table printed from them. */
import { IngestFigures } from './ingest';
import {
  JpegSettingFigures,
  LimitConfig,
  LimitFigures,
  LimitRun,
  SizeFigures,
  ThroughputFigures,
} from './limit';
import { ServiceBatchFigures, StatusDuringBatchFigures } from './service-batch';
import { ProcessSample } from './service-process';
import { StatusLoadFigures } from './status-load';

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  environment: Record<string, string | number | boolean | null>;
  options: Record<string, string | number>;
  serviceOverrides: Record<string, string>;
  images: {
    name: string;
    format: string;
    width: number;
    height: number;
    megapixels: number;
    bytes: number;
    quality: number | null;
  }[];
  limit?: LimitFigures;
  /** Alternating passes of the best limit configuration and the service. */
  rounds?: { config: LimitConfig; limit: LimitRun[]; service: ServiceBatchFigures[] };
  jpegSettings?: JpegSettingFigures[];
  naive?: ThroughputFigures;
  /** The fastest service round. */
  service?: ServiceBatchFigures;
  /** The MODE=all service's memory after the rounds. */
  serviceMemory?: ProcessSample;
  statusDuringBatch?: StatusDuringBatchFigures;
  /** GET /status of a finished small request while the service is otherwise idle. */
  statusIdle?: StatusLoadFigures;
  ingest?: IngestFigures;
  /** When the ingest was refused: the same upload to a service with a longer queue timeout. */
  ingestRetry?: IngestFigures & { overrides: Record<string, string> };
  statusOnLargeRequest?: StatusLoadFigures;
  targets: Target[];
  /** Phases that failed, with their error; the other phases still ran. */
  errors: Record<string, string>;
}

const MB = 1024 * 1024;

const fixed = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
const seconds = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '–' : fixed(ms / 1000, 2);
const megabytes = (bytes: number | null | undefined): string =>
  bytes === null || bytes === undefined ? '–' : fixed(bytes / MB, 1);
const percent = (share: number | null | undefined): string =>
  share === null || share === undefined ? '–' : `${fixed(share * 100, 0)}%`;

/** Left-aligns the first column, right-aligns the rest. */
function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('  ');
  return [line(headers), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)]
    .map((text) => `  ${text}`)
    .join('\n');
}

function throughputRow(label: string, figures: ThroughputFigures, sizes?: SizeFigures): string[] {
  return [
    label,
    fixed(figures.imagesPerSecond, 2),
    fixed(figures.megapixelsPerSecond, 1),
    seconds(figures.wallMs),
    percent(figures.cpuShare),
    percent(figures.machineBusyShare),
    fixed(figures.cpuMsPerImage, 0),
    sizes ? megabytes(sizes.bytesOut) : '',
    sizes ? fixed(sizes.meanRatio, 3) : '',
  ];
}

export function formatReport(results: BenchResults): string {
  const out: string[] = [];
  const env = results.environment;
  const totalMp = results.images.reduce((total, image) => total + image.megapixels, 0);
  const totalBytes = results.images.reduce((total, image) => total + image.bytes, 0);
  const formats = ['jpeg', 'png', 'webp']
    .map(
      (format) => `${results.images.filter((image) => image.format === format).length} ${format}`,
    )
    .join(', ');
  out.push(
    `Image batch compression benchmark — ${results.startedAt}, ${fixed(results.durationSeconds, 0)} s`,
    `  ${results.images.length} images (${formats}), ${fixed(totalMp, 1)} MP, ` +
      `${megabytes(totalBytes)} MB in; ${env.cores} cores (${env.cpuModel}), Node ${env.node}, ` +
      `sharp ${env.sharp} / libvips ${env.libvips}, sharp default concurrency ${env.sharpDefaultConcurrency}`,
    `  MALLOC_ARENA_MAX=${env.MALLOC_ARENA_MAX ?? 'unset'} UV_THREADPOOL_SIZE=${env.UV_THREADPOOL_SIZE ?? 'unset'}; ` +
      `service overrides: ${
        Object.entries(results.serviceOverrides)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ') || 'none (defaults)'
      }; commit ${env.commit}${env.srcDirty ? ' + uncommitted src changes' : ''}`,
    '',
  );

  const rows: string[][] = [];
  if (results.limit) {
    for (const run of results.limit.runs) {
      const best = run.label === results.limit.best.label;
      rows.push(throughputRow(`limit: ${run.label}${best ? '  ← best' : ''}`, run));
    }
  }
  const limitBest = bestLimit(results);
  const rounds = results.rounds;
  if (limitBest) {
    const passes = (results.limit?.runs.length ?? 0) + (rounds?.limit.length ?? 0);
    rows.push(
      throughputRow(
        `LIMIT: fastest of ${passes} passes (${limitBest.vipsThreads} × ${limitBest.parallel})`,
        limitBest,
        results.limit?.sizes,
      ),
    );
  }
  if (results.service) {
    const of = rounds ? `, best of ${rounds.service.length} rounds` : '';
    rows.push(
      throughputRow(`SERVICE: upload → queue → done${of}`, results.service, results.service.sizes),
    );
  }
  if (results.naive)
    rows.push(throughputRow('naive: download + compress, 1 at a time', results.naive));
  out.push(
    'Throughput (same images, same ImageCompressor settings)',
    table(
      ['', 'img/s', 'MP/s', 'wall s', 'CPU', 'machine', 'CPU ms/img', 'MB out', 'mean out/in'],
      rows,
    ),
    '  CPU: the measured process, as a share of all cores; machine: every process on it.',
  );
  if (rounds) {
    const walls = (runs: ThroughputFigures[]) => runs.map((run) => seconds(run.wallMs)).join(' / ');
    const config = `${rounds.config.vipsThreads} × ${rounds.config.parallel}`;
    out.push(
      `  rounds, wall s: limit (${config}) ${walls(rounds.limit)}; service ${walls(rounds.service)}`,
    );
    const { limitCpu, serviceCpu } = leastCpuPerImage(results);
    out.push(
      `  CPU per image, least of the rounds: limit ${fixed(limitCpu, 0)} ms, service ` +
        `${fixed(serviceCpu, 0)} ms: the service's own work is ${fixed(serviceCpu - limitCpu, 0)} ms ` +
        `(${fixed((serviceCpu / limitCpu - 1) * 100, 0)}%) per image`,
    );
  }
  const sizes = results.service?.sizes ?? results.limit?.sizes;
  if (sizes) {
    out.push(
      `  sizes: ${megabytes(sizes.bytesIn)} MB in → ${megabytes(sizes.bytesOut)} MB out; ` +
        `overall ${fixed(sizes.overallRatio, 3)}, mean per image ${fixed(sizes.meanRatio, 3)}; ` +
        `${sizes.keptSource} kept as the source (re-encoding was not smaller)`,
    );
  }
  const measured: (ThroughputFigures | undefined)[] = [limitBest, results.service];
  const contended = measured.filter(
    (run) =>
      run !== undefined &&
      run.machineBusyShare !== null &&
      run.cpuShare !== null &&
      run.machineBusyShare - run.cpuShare > 0.2,
  );
  if (contended.length > 0) {
    out.push(
      '  NOTE: other processes used over a fifth of the CPU during these passes; wall-time ' +
        'figures are noisy: compare CPU ms/img too.',
    );
  }
  if (limitBest && results.service) {
    out.push(
      `  per image, p50 / p95 ms: limit compress ${fixed(limitBest.perImageMs.p50, 0)} / ` +
        `${fixed(limitBest.perImageMs.p95, 0)}; service download → processed_at ` +
        `${fixed(results.service.workMs.p50, 0)} / ${fixed(results.service.workMs.p95, 0)}`,
    );
  }
  out.push('');

  if (results.limit) {
    out.push(
      'Where the compress time goes (limit, first configuration, per-image times summed)',
      table(
        ['format', 'images', 'MP', 'compress s', 'share', 'MP/s per job'],
        results.limit.formats.map((share) => {
          const total = results.limit?.formats.reduce((all, item) => all + item.compressMs, 0) ?? 1;
          return [
            share.format,
            String(share.images),
            fixed(share.megapixels, 1),
            seconds(share.compressMs),
            percent(share.compressMs / total),
            fixed(share.megapixelsPerSecondPerJob, 1),
          ];
        }),
      ),
      '',
    );
  }

  if (results.jpegSettings && results.jpegSettings.length > 0) {
    const base = results.jpegSettings[0];
    out.push(
      `JPEG settings (sharp directly, ${base.images} JPEGs at half their quality, best limit configuration)`,
      table(
        [
          'setting',
          'wall s',
          'MP/s',
          'MB in',
          'MB out',
          'out/in',
          'bytes vs default',
          'time vs default',
          'reads back exactly',
        ],
        results.jpegSettings.map((setting) => [
          setting.label,
          seconds(setting.wallMs),
          fixed(setting.megapixelsPerSecond, 1),
          megabytes(setting.bytesIn),
          megabytes(setting.bytesOut),
          fixed(setting.bytesOut / setting.bytesIn, 3),
          `${fixed((setting.bytesOut / base.bytesOut - 1) * 100, 1)}%`,
          `${fixed(setting.wallMs / base.wallMs, 2)}×`,
          `${setting.readsBackExactly}/${setting.images}`,
        ]),
      ),
      '',
    );
  }

  if (results.service) {
    const service = results.service;
    out.push(
      `Service batch: ${service.completed} completed, ${service.failed} failed; upload answered in ` +
        `${fixed(service.uploadMs, 0)} ms; finished seen by GET /status after ${seconds(service.doneObservedMs)} s`,
      table(
        ['per image, ms', 'p50', 'p95', 'max'],
        [
          ['latency: POST start → processed_at', service.latencyMs],
          ['  waiting: POST start → download start', service.waitMs],
          ['  working: download start → processed_at', service.workMs],
        ].map(([label, figures]) => {
          const values = figures as ServiceBatchFigures['latencyMs'];
          return [
            label as string,
            fixed(values.p50, 0),
            fixed(values.p95, 0),
            fixed(values.max, 0),
          ];
        }),
      ),
      `  service process CPU ${seconds(service.serviceCpuMs)} s (${fixed(service.cpuMsPerImage, 0)} ms/img); ` +
        `bench process (image server + polling) ${seconds(service.benchCpuMs)} s`,
      `  service RSS after the rounds ${megabytes(results.serviceMemory?.rssBytes)} MB, ` +
        `peak ${megabytes(results.serviceMemory?.peakRssBytes)} MB`,
      '',
    );
    for (const error of service.errors.slice(0, 5)) out.push(`  error: ${error}`);
  }

  if (results.ingest) {
    const ingest = results.ingest;
    out.push(
      `Ingest (MODE=api): ${ingest.rows} rows × ${ingest.urlsPerRow} URLs, ${megabytes(ingest.csvBytes)} MB CSV → ` +
        `HTTP ${ingest.httpStatus} in ${seconds(ingest.msTo202)} s`,
      `  RSS: ${megabytes(ingest.baselineRssBytes)} MB before, peak ${megabytes(ingest.peakRssBytes)} MB ` +
        `(VmHWM; sampled max ${megabytes(ingest.peakSampledRssBytes)} MB over ${ingest.rssSamples} samples), ` +
        `${megabytes(ingest.rssAfterBytes)} MB after; Redis +${megabytes(ingest.redisBytesAdded)} MB; ` +
        `first GET /status ${fixed(ingest.firstStatusMs, 0)} ms`,
    );
    if (ingest.error) out.push(`  error body: ${ingest.error.slice(0, 300)}`);
    const retry = results.ingestRetry;
    if (retry) {
      out.push(
        `  again with ${Object.entries(retry.overrides)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')}: HTTP ${retry.httpStatus} in ${seconds(retry.msTo202)} s, ` +
          `peak RSS ${megabytes(Math.max(retry.peakRssBytes, retry.peakSampledRssBytes))} MB, ` +
          `Redis +${megabytes(retry.redisBytesAdded)} MB, first GET /status ${fixed(retry.firstStatusMs, 0)} ms`,
      );
    }
    out.push('');
  }

  const loads: [string, StatusLoadFigures | undefined][] = [
    [`stored ${rowsLabel(results)}-row request (idle API)`, results.statusOnLargeRequest],
    ['request being processed (MODE=all)', results.statusDuringBatch?.load],
    ['finished small request, idle (MODE=all)', results.statusIdle],
  ];
  if (loads.some(([, load]) => load)) {
    out.push(
      'GET /status/{id} under load (autocannon, 10 connections)',
      table(
        ['', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'],
        loads.flatMap(([label, load]) =>
          load
            ? [
                [
                  label,
                  fixed(load.requestsPerSecond, 0),
                  fixed(load.latencyMs.p50, 0),
                  fixed(load.latencyMs.p90, 0),
                  fixed(load.latencyMs.p99, 0),
                  fixed(load.latencyMs.max, 0),
                  String(load.non2xx),
                  String(load.errors),
                ],
              ]
            : [],
        ),
      ),
    );
    const during = results.statusDuringBatch;
    if (during) {
      out.push(
        `  while loaded, the batch processed ${during.processedDuringLoad}/${during.images} images; ` +
          `it finished in ${seconds(during.batchMs)} s (unloaded: ${seconds(results.service?.wallMs)} s)`,
      );
    }
    out.push('');
  }

  out.push(
    'Targets',
    table(
      ['', 'target', 'measured', ''],
      results.targets.map((target) => [
        target.name,
        target.target,
        target.measured,
        target.met === null ? 'n/a' : target.met ? 'met' : 'MISSED',
      ]),
    ),
  );
  for (const [phase, error] of Object.entries(results.errors)) {
    out.push(`  phase "${phase}" failed: ${error.split('\n')[0]}`);
  }
  return out.join('\n');
}

export function evaluateTargets(results: BenchResults): Target[] {
  const targets: Target[] = [];
  const { service, ingest } = results;
  const limitBest = bestLimit(results);
  const ratio =
    limitBest && service ? service.imagesPerSecond / limitBest.imagesPerSecond : Number.NaN;
  targets.push({
    name: 'service / limit throughput',
    target: '≥ 0.80',
    measured: fixed(ratio, 2),
    met: Number.isFinite(ratio) ? ratio >= 0.8 : null,
  });
  // Less sensitive to other work on the machine than wall time; blind to idle cores.
  const { limitCpu, serviceCpu } = leastCpuPerImage(results);
  const cpuRatio = limitCpu / serviceCpu;
  targets.push({
    name: '  same, by CPU per image (limit / service)',
    target: '≥ 0.80',
    measured: fixed(cpuRatio, 2),
    met: Number.isFinite(cpuRatio) ? cpuRatio >= 0.8 : null,
  });
  const accepted = ingest?.httpStatus === 202;
  targets.push({
    name: `ingest ${rowsLabel(results)} rows: time to 202`,
    target: '< 30 s',
    measured: ingest
      ? `HTTP ${ingest.httpStatus} after ${seconds(ingest.msTo202)} s` +
        (results.ingestRetry
          ? `; ${results.ingestRetry.httpStatus} after ${seconds(results.ingestRetry.msTo202)} s with a longer queue timeout`
          : '')
      : '–',
    met: ingest ? accepted && ingest.msTo202 < 30_000 : null,
  });
  const peak = ingest ? Math.max(ingest.peakRssBytes, ingest.peakSampledRssBytes) : Number.NaN;
  targets.push({
    name: 'ingest: peak RSS of the API',
    target: '< 300 MB',
    measured: ingest ? `${megabytes(peak)} MB` : '–',
    met: ingest ? peak < 300 * MB : null,
  });
  const statusTargets: [string, StatusLoadFigures | undefined][] = [
    [`status p99, stored ${rowsLabel(results)}-row request`, results.statusOnLargeRequest],
    ['status p99, during processing', results.statusDuringBatch?.load],
  ];
  for (const [name, load] of statusTargets) {
    targets.push({
      name,
      target: '< 50 ms',
      measured: load ? `${fixed(load.latencyMs.p99, 0)} ms` : '–',
      met: load ? load.latencyMs.p99 < 50 && load.non2xx === 0 && load.errors === 0 : null,
    });
  }
  return targets;
}

/** The fastest limit pass of all, from the configuration matrix or the rounds. */
export function bestLimit(results: BenchResults): LimitRun | undefined {
  const runs = [...(results.limit?.runs ?? []), ...(results.rounds?.limit ?? [])];
  return runs.length === 0
    ? undefined
    : runs.reduce((left, right) => (right.wallMs < left.wallMs ? right : left));
}

const rowsLabel = (results: BenchResults): string => {
  const rows = results.ingest?.rows ?? Number(results.options.ingestRows);
  return rows % 1000 === 0 ? `${rows / 1000}k` : String(rows);
};

/**
 * Least CPU per image of the limit and of the service, from the alternating rounds (same
 * conditions on the machine), or from every pass when there were no rounds.
 */
function leastCpuPerImage(results: BenchResults): { limitCpu: number; serviceCpu: number } {
  const least = (runs: ThroughputFigures[]) =>
    runs.length === 0
      ? Number.NaN
      : Math.min(...runs.map((run) => run.cpuMsPerImage ?? Number.POSITIVE_INFINITY));
  const limitRuns = results.rounds?.limit ?? results.limit?.runs ?? [];
  const serviceRuns = results.rounds?.service ?? (results.service ? [results.service] : []);
  return { limitCpu: least(limitRuns), serviceCpu: least(serviceRuns) };
}
