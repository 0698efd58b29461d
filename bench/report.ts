/** The results of one run, the targets they are judged by, and the tables printed from them. */
import { CatalogFigures } from './catalog';
import { CatalogRerunFigures } from './catalog-rerun';
import { DeletionFigures } from './deletion';
import { RunFigures } from './figures';
import { ProfileFigures } from './profiles';
import { QualityFigures } from './quality';
import { VariantFigures } from './variants';
import { GroupComparison } from './throughput';

export interface Target {
  name: string;
  target: string;
  measured: string;
  met: boolean | null;
}

export interface CorpusSummary {
  format: string;
  images: number;
  megapixels: number;
  bytes: number;
  bytesPerPixel: number;
}

export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  environment: Record<string, string | number | boolean | null>;
  options: Record<string, string | number>;
  serviceOverrides: Record<string, string>;
  corpus: CorpusSummary[];
  throughput?: GroupComparison[];
  profiles?: ProfileFigures[];
  quality?: QualityFigures[];
  variants?: VariantFigures[];
  catalogs: CatalogFigures[];
  deletion?: DeletionFigures;
  rerun?: CatalogRerunFigures;
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
  share === null || share === undefined || !Number.isFinite(share)
    ? '–'
    : `${fixed(share * 100, 0)}%`;

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

function header(results: BenchResults): string[] {
  const env = results.environment;
  const corpus = results.corpus
    .map((format) => `${format.images} ${format.format} (${fixed(format.bytesPerPixel, 2)} B/px)`)
    .join(', ');
  const overrides =
    Object.entries(results.serviceOverrides)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ') || 'none (defaults)';
  return [
    `Image batch compression benchmark — ${results.startedAt}, ${fixed(results.durationSeconds, 0)} s`,
    `  corpus: ${corpus}`,
    `  ${env.cores} cores (${env.cpuModel}), Node ${env.node}, sharp ${env.sharp} / libvips ` +
      `${env.libvips}; service settings: ${overrides}; commit ${env.commit}` +
      (env.srcDirty ? ' + uncommitted src changes' : ''),
    '',
  ];
}

function runRow(label: string, run: RunFigures): string[] {
  return [
    label,
    fixed(run.imagesPerSecond, 1),
    fixed(run.megapixelsPerSecond, 0),
    seconds(run.wallMs),
    fixed(run.cpuMsPerImage, 1),
    percent(run.coresBusy),
    percent(run.machineBusy),
    fixed(run.bytesOut / run.bytesIn, 2),
  ];
}

function throughputSection(comparisons: GroupComparison[]): string[] {
  const rows = comparisons.flatMap((comparison) => [
    runRow(`${comparison.group}: sharp alone`, comparison.floor),
    runRow(`${comparison.group}: the service`, comparison.service),
  ]);
  const ratios = comparisons.map((comparison) => [
    comparison.group,
    fixed(comparison.ratio, 2),
    fixed(comparison.floorCpuMsPerImage, 1),
    fixed(comparison.serviceCpuMsPerImage, 1),
    fixed(comparison.serviceCpuMsPerImage - comparison.floorCpuMsPerImage, 1),
    comparison.rounds.floorWallMs.map(seconds).join(' / '),
    comparison.rounds.serviceWallMs.map(seconds).join(' / '),
  ]);
  return [
    'Throughput: the service (upload → done) against sharp alone on the same images, best of the rounds',
    table(['', 'img/s', 'MP/s', 'wall s', 'CPU ms/img', 'cores busy', 'machine', 'out/in'], rows),
    '',
    table(
      [
        'group',
        'service/sharp',
        'sharp CPU ms',
        'service CPU ms',
        'extra ms',
        'sharp walls',
        'service walls',
      ],
      ratios,
    ),
    '  CPU ms per image: least over the rounds; extra: what the service spends around sharp.',
    '',
  ];
}

function profilesSection(profiles: ProfileFigures[]): string[] {
  return [
    'Compression profiles (sharp alone, one image per core)',
    table(
      ['profile × format', 'images', 'MP/s', 'CPU ms/img', 'out/in', 'JPEG exactly half'],
      profiles.map((figures) => [
        `${figures.profile} × ${figures.format}`,
        String(figures.images),
        fixed(figures.megapixelsPerSecond, 0),
        fixed(figures.cpuMsPerImage, 1),
        fixed(figures.outputShare, 3),
        figures.exactHalf === null ? '' : `${figures.exactHalf}/${figures.images}`,
      ]),
    ),
    '',
  ];
}

export function qualitySection(quality: QualityFigures[]): string[] {
  return [
    'What each image loses (same-format output at half quality, balanced profile, one image per core)',
    table(
      [
        'format',
        'images',
        'MB in',
        'MB out',
        'out/in',
        'mean score',
        'lowest',
        'MP/s',
        'CPU ms/img',
        'score CPU ms/img',
        'score CPU share',
      ],
      quality.map((figures) => [
        figures.format,
        figures.kept > 0 ? `${figures.images} (${figures.kept} kept)` : String(figures.images),
        megabytes(figures.bytesIn),
        megabytes(figures.bytesOut),
        fixed(figures.bytesOut / figures.bytesIn, 3),
        fixed(figures.meanScore, 4),
        fixed(figures.minScore, 4),
        fixed(figures.megapixelsPerSecond, 1),
        fixed(figures.compressCpuMsPerImage, 1),
        fixed(figures.scoreCpuMsPerImage, 1),
        percent(figures.scoreCpuShare),
      ]),
    ),
    '  score: SSIM against the source on luma at most 1 MP; kept sources have none.',
    '  score CPU share: scoring the images over compressing them (what QUALITY_SCORE costs).',
    '',
  ];
}

export function variantsSection(variants: VariantFigures[]): string[] {
  return [
    'WebP and AVIF variants beside the same-format output (balanced profile, one image per core)',
    ...variants.flatMap(({ format, outputs }) => [
      `  ${format} sources`,
      table(
        ['output', 'images', 'kept', 'MB', 'mean score', 'MP/s', 'CPU ms/img'],
        outputs.map((figures) => [
          figures.output,
          String(figures.images),
          String(figures.kept),
          megabytes(figures.bytes),
          fixed(figures.meanScore, 4),
          fixed(figures.megapixelsPerSecond, 1),
          fixed(figures.cpuMsPerImage, 1),
        ]),
      ),
    ]),
    "  variants: encoded at the lowest quality whose score reaches the same-format output's;",
    '  images: those that reached it; kept: those also smaller than the same-format output;',
    '  MB: of the variants that reached the score; MP/s and CPU: the whole search and encode.',
    '',
  ];
}

function catalogSection(catalogs: CatalogFigures[]): string[] {
  return [
    'Catalogs: streamed upload (MODE=api), a worker for 15 s, then GET /status pages of 100 at random places',
    table(
      [
        'rows × 3 URLs',
        'CSV MB',
        '202 after s',
        'upload CPU s',
        'API peak RSS MB',
        'Redis added MB',
        'status p50/p99 ms',
        'req/s',
        'CPU ms/req',
      ],
      catalogs.map((catalog) => [
        catalog.rows.toLocaleString('en-US'),
        megabytes(catalog.csvBytes),
        catalog.requestId ? seconds(catalog.msTo202) : `HTTP ${catalog.httpStatus}`,
        seconds(catalog.uploadCpuMs),
        megabytes(catalog.apiPeakRssBytes),
        megabytes(catalog.redisPeakBytes - catalog.redisBaselineBytes),
        catalog.status
          ? `${fixed(catalog.status.latencyMs.p50, 0)} / ${fixed(catalog.status.latencyMs.p99, 0)}`
          : '–',
        fixed(catalog.status?.requestsPerSecond, 0),
        fixed(catalog.statusCpuMsPerRequest, 2),
      ]),
    ),
    '',
  ];
}

function deletionSection(deletion: DeletionFigures): string[] {
  const images = deletion.images.toLocaleString('en-US');
  const outcome =
    deletion.error ?? `removed ${seconds(deletion.msToRemoved)} s after the DELETE's 202`;
  return [
    `Deletion of a stored request of ${images} images (MODE=api): ${outcome}; API peak RSS ` +
      `${megabytes(deletion.apiPeakRssBytes)} MB meanwhile (${megabytes(deletion.apiBaselineRssBytes)} MB before)`,
    '',
  ];
}

function rerunSection(rerun: CatalogRerunFigures): string[] {
  const rows = rerun.runs.map((run) => [
    `${run.run}: ${run.change}`,
    fixed(run.wallSeconds, 1),
    fixed(run.cpuSeconds, 1),
    percent(run.cpuShareOfFirst),
    percent(run.wallShareOfFirst),
    megabytes(run.originBodyBytes),
    String(run.originRequests),
    String(run.encoded),
    String(run.reusedNotModified),
    String(run.reusedSameBytes),
    fixed(run.cpuMsPerReusedImage, 2),
  ]);
  return [
    `Catalog re-run: ${rerun.images.toLocaleString('en-US')} distinct ${rerun.width}×${rerun.height} ` +
      'JPEGs uploaded four times to one service (MODE=all); the origin sends ETag and Last-Modified',
    table(
      [
        'run: what changed',
        'wall s',
        'CPU s',
        'CPU/1st',
        'wall/1st',
        'origin MB',
        'requests',
        'encoded',
        '304 reused',
        'hash reused',
        'CPU ms/reused',
      ],
      rows,
    ),
    '',
  ];
}

/** Scores the targets of the issues this bench was written for. */
export function evaluateTargets(results: BenchResults): Target[] {
  const targets: Target[] = [];
  const all = results.throughput?.find((comparison) => comparison.group === 'all');
  if (all) {
    const extra = all.serviceCpuMsPerImage - all.floorCpuMsPerImage;
    targets.push(
      {
        name: 'service / sharp alone',
        target: '≥ 0.95',
        measured: fixed(all.ratio, 2),
        met: all.ratio >= 0.95,
      },
      {
        name: 'CPU per image above sharp alone',
        target: '≤ 3 ms',
        measured: `${fixed(extra, 1)} ms`,
        met: extra <= 3,
      },
      {
        name: 'cores busy during the batch',
        target: '≥ 95%',
        measured: percent(all.service.coresBusy),
        met: all.service.coresBusy >= 0.95,
      },
    );
  }
  const largest = results.catalogs.reduce<CatalogFigures | undefined>(
    (big, catalog) => (!big || catalog.rows > big.rows ? catalog : big),
    undefined,
  );
  if (largest) {
    const rows = largest.rows.toLocaleString('en-US');
    const redisAdded = largest.redisPeakBytes - largest.redisBaselineBytes;
    const p99 = largest.status?.latencyMs.p99 ?? Number.NaN;
    targets.push(
      {
        name: `${rows} rows: 202 after`,
        target: '≤ 60 s',
        measured: `${seconds(largest.msTo202)} s`,
        met: largest.requestId !== null && largest.msTo202 <= 60_000,
      },
      {
        name: `${rows} rows: API peak RSS`,
        target: '< 200 MB',
        measured: `${megabytes(largest.apiPeakRssBytes)} MB`,
        met: largest.apiPeakRssBytes < 200 * MB,
      },
      {
        name: `${rows} rows: Redis memory while processed`,
        target: '< 100 MB',
        measured: `${megabytes(redisAdded)} MB`,
        met: redisAdded < 100 * MB,
      },
      {
        name: `${rows} rows: GET /status p99`,
        target: '< 20 ms',
        measured: `${fixed(p99, 0)} ms`,
        met: Number.isFinite(p99) ? p99 < 20 : null,
      },
    );
  }
  targets.push(...rerunTargets(results.rerun));
  return targets;
}

function rerunTargets(rerun: CatalogRerunFigures | undefined): Target[] {
  const [, unchanged, changed, withoutValidators] = rerun?.runs ?? [];
  if (!rerun || !unchanged || !changed || !withoutValidators) return [];
  const changedImages = Math.round(rerun.images * 0.1);
  const perReused = Math.max(
    unchanged.cpuMsPerReusedImage ?? Number.POSITIVE_INFINITY,
    withoutValidators.cpuMsPerReusedImage ?? Number.POSITIVE_INFINITY,
  );
  return [
    {
      name: 're-run, nothing changed: CPU / 1st run',
      target: '≤ 5%',
      measured: percent(unchanged.cpuShareOfFirst),
      met: unchanged.cpuShareOfFirst <= 0.05,
    },
    {
      name: 're-run, nothing changed: wall / 1st run',
      target: '≤ 10%',
      measured: percent(unchanged.wallShareOfFirst),
      met: unchanged.wallShareOfFirst <= 0.1,
    },
    {
      name: 're-run, 10% changed: CPU / 1st run',
      target: '≤ 15%',
      measured: percent(changed.cpuShareOfFirst),
      met: changed.cpuShareOfFirst <= 0.15,
    },
    {
      name: 're-run, 10% changed: images encoded',
      target: `= ${changedImages}`,
      measured: String(changed.encoded),
      met: changed.encoded === changedImages,
    },
    {
      name: 're-run, no validators: encoded, CPU / 1st',
      target: '0, ≤ 30%',
      measured: `${withoutValidators.encoded}, ${percent(withoutValidators.cpuShareOfFirst)}`,
      met: withoutValidators.encoded === 0 && withoutValidators.cpuShareOfFirst <= 0.3,
    },
    {
      name: 're-run: CPU per reused image',
      target: '≤ 2 ms',
      measured: `${fixed(perReused, 2)} ms`,
      met: perReused <= 2,
    },
  ];
}

function targetsSection(targets: Target[]): string[] {
  if (targets.length === 0) return [];
  return [
    'Targets',
    table(
      ['', 'target', 'measured', ''],
      targets.map((target) => [
        target.name,
        target.target,
        target.measured,
        target.met === null ? '?' : target.met ? 'met' : 'MISSED',
      ]),
    ),
    '',
  ];
}

export function formatReport(results: BenchResults): string {
  const errors = Object.entries(results.errors).map(
    ([phase, error]) => `  ${phase} failed: ${error.split('\n')[0]}`,
  );
  return [
    ...header(results),
    ...(results.throughput ? throughputSection(results.throughput) : []),
    ...(results.profiles ? profilesSection(results.profiles) : []),
    ...(results.quality ? qualitySection(results.quality) : []),
    ...(results.variants ? variantsSection(results.variants) : []),
    ...(results.catalogs.length > 0 ? catalogSection(results.catalogs) : []),
    ...(results.deletion ? deletionSection(results.deletion) : []),
    ...(results.rerun ? rerunSection(results.rerun) : []),
    ...targetsSection(results.targets),
    ...(errors.length > 0 ? ['Errors', ...errors] : []),
  ].join('\n');
}
