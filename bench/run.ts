/**
 * `npm run bench`: how close the service comes to sharp alone on this machine, and how it holds
 * up with a large catalog, measured in one run so that the figures share the machine's mood.
 * Progress goes to stderr; the tables to stdout; everything to bench/results/<timestamp>.json.
 *
 * Settings (environment):
 *   BENCH_IMAGES          photo-like images in the corpus (default 60: about 80% JPEG)
 *   BENCH_ROUNDS          alternating sharp / service rounds per group; the best counts (default 3)
 *   BENCH_CATALOG_ROWS    catalog sizes, comma-separated (default 100000,1000000; empty skips)
 *   BENCH_DELETE_IMAGES   images of the request whose deletion is timed (default 100000; 0 skips)
 *   BENCH_RERUN_IMAGES    images of the catalog uploaded four times (default 2000; 0 skips)
 *   BENCH_STATUS_SECONDS  length of each GET /status load (default 10)
 *   BENCH_TIMEOUT_SECONDS the whole run is stopped and cleaned up after this (default 1500)
 *   BENCH_ONLY            run only the phases whose name starts with one of these, comma-separated
 *                         (throughput, profiles, quality, quality variants, catalog, deletion,
 *                         catalog re-run)
 *   BENCH_VARIANT_IMAGES  the first images of the corpus given WebP and AVIF variants (default 20)
 *   BENCH_SERVICE_ENV     service settings to try, e.g. "IMAGE_CONCURRENCY=16 COMPRESSION_PROFILE=fastest"
 *   REDIS_URL             Redis for the services' queues (default redis://127.0.0.1:6379)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { measureCatalog } from './catalog';
import { measureCatalogRerun } from './catalog-rerun';
import { measureDeletion } from './deletion';
import { Cleanup } from './cleanup';
import { ImageServer } from './image-server';
import { BenchOptions, Env, readOptions } from './options';
import { BenchImage, generateImages } from './photo-corpus';
import { measureProfiles } from './profiles';
import { measureQuality } from './quality';
import { measureVariants } from './variants';
import { BenchResults, CorpusSummary, evaluateTargets, formatReport } from './report';
import {
  benchEnvironment,
  buildService,
  deleteQueueKeys,
  makeDataDir,
  PROJECT_ROOT,
  removeDir,
  ServiceProcess,
} from './service-process';
import { sum } from './stats';
import { compareWithFloor, groupsOf } from './throughput';

const MB = 1024 * 1024;
const runStart = Date.now();

function log(message: string): void {
  const elapsed = ((Date.now() - runStart) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${elapsed}s] ${message}\n`);
}

function gitFacts(): { commit: string; srcDirty: boolean | null } {
  // Read-only, and without the optional index refresh that `git status` would write.
  const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, env })
      .toString()
      .trim();
    try {
      execFileSync('git', ['diff', '--quiet', 'HEAD', '--', 'src'], { cwd: PROJECT_ROOT, env });
      return { commit, srcDirty: false };
    } catch {
      return { commit, srcDirty: true };
    }
  } catch {
    return { commit: 'unknown', srcDirty: null };
  }
}

function corpusSummary(images: readonly BenchImage[]): CorpusSummary[] {
  return [...groupsOf(images)].map(([format, members]) => {
    const bytes = sum(members.map((image) => image.data.length));
    const megapixels = sum(members.map((image) => image.megapixels));
    return {
      format,
      images: members.length,
      megapixels,
      bytes,
      bytesPerPixel: bytes / (megapixels * 1e6),
    };
  });
}

/** Starts service processes from one fresh build; each `stop` also removes its data and keys. */
class ServiceLauncher {
  private mainScript: string | undefined;

  constructor(
    private readonly options: BenchOptions,
    private readonly cleanup: Cleanup,
  ) {}

  /**
   * Starts a service with data of its own, or, `alongside` another, a process of the same service
   * (its database, storage and queues), whose stop leaves that data to the other.
   */
  async start(
    label: string,
    overrides: Env,
    alongside?: ServiceProcess,
  ): Promise<{ service: ServiceProcess; stop: () => Promise<void> }> {
    this.mainScript ??= this.build();
    const shared = alongside !== undefined;
    const dataDir = alongside ? '' : makeDataDir(label);
    const env: Env = {
      ...(alongside?.env ??
        (await benchEnvironment(dataDir, {
          REDIS_URL: this.options.redisUrl,
          ...this.options.serviceOverrides,
        }))),
      ...(shared ? { HEALTH_PORT: '0' } : {}),
      ...overrides,
    };
    const service = new ServiceProcess(this.mainScript, env);
    const stop = this.cleanup.add(
      `${label} service`,
      async () => {
        await service.stop();
        if (shared) return;
        const deleted = await deleteQueueKeys(this.options.redisUrl, env.QUEUE_PREFIX);
        log(`${label} stopped; removed ${deleted} Redis keys`);
        removeDir(dataDir);
      },
      () => {
        service.killNow();
        if (!shared) removeDir(dataDir);
      },
    );
    await service.ready();
    return { service, stop };
  }

  private build(): string {
    const buildDir = makeDataDir('build');
    this.cleanup.add(
      'build folder',
      () => removeDir(buildDir),
      () => removeDir(buildDir),
    );
    log('transpiling the service');
    return buildService(buildDir);
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const cores = availableParallelism();
  const cleanup = new Cleanup(log);
  const results: BenchResults = {
    startedAt: new Date(runStart).toISOString(),
    durationSeconds: 0,
    environment: {
      node: process.version,
      cores,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryMb: Math.round(totalmem() / MB),
      sharp: sharp.versions.sharp ?? 'unknown',
      libvips: sharp.versions.vips,
      ...gitFacts(),
    },
    options: {
      images: options.images,
      rounds: options.rounds,
      catalogRows: options.catalogRows.join(','),
      deleteImages: options.deleteImages,
      rerunImages: options.rerunImages,
      statusSeconds: options.statusSeconds,
    },
    serviceOverrides: options.serviceOverrides,
    corpus: [],
    catalogs: [],
    targets: [],
    errors: {},
  };
  const phase = async (name: string, action: () => Promise<void>): Promise<void> => {
    if (options.only.length > 0 && !options.only.some((only) => name.startsWith(only))) return;
    log(`${name}…`);
    try {
      await action();
    } catch (error) {
      results.errors[name] =
        error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${name} failed: ${results.errors[name]}`);
    }
  };
  stopOnSignalsAndTimeout(options, cleanup, results);

  try {
    log(`generating ${options.images} photo-like images`);
    const images = await generateImages(options.images);
    results.corpus = corpusSummary(images);
    const server = await new ImageServer().start();
    cleanup.add('image server', () => server.stop());
    const services = new ServiceLauncher(options, cleanup);

    await phase('throughput', async () => {
      const { service, stop } = await services.start('all', { MODE: 'all' });
      try {
        log('warm-up batch');
        await compareWithFloor(
          { api: service, processes: [service] },
          server,
          images.slice(0, 6),
          1,
          cores,
          () => undefined,
        );
        results.throughput = await compareWithFloor(
          { api: service, processes: [service] },
          server,
          images,
          options.rounds,
          cores,
          log,
        );
      } finally {
        await stop();
      }
    });
    await phase('profiles', async () => {
      results.profiles = await measureProfiles(images, cores);
    });
    await phase('quality', async () => {
      results.quality = await measureQuality(images, cores);
    });
    await phase('quality variants', async () => {
      results.variants = await measureVariants(images.slice(0, options.variantImages), cores);
    });
    for (const rows of options.catalogRows) {
      await phase(`catalog ${rows}`, async () => {
        results.catalogs.push(
          await measureCatalog(
            services,
            server.url(''),
            rows,
            options.statusSeconds,
            options.redisUrl,
            log,
          ),
        );
      });
    }
    if (options.deleteImages > 0) {
      await phase(`deletion ${options.deleteImages}`, async () => {
        results.deletion = await measureDeletion(
          services,
          server.url(''),
          options.deleteImages,
          log,
        );
      });
    }
    if (options.rerunImages > 0) {
      await phase('catalog re-run', async () => {
        results.rerun = await measureCatalogRerun(services, options.rerunImages, log);
      });
    }
  } finally {
    log('cleaning up');
    await cleanup.runAll();
  }
  finish(results);
}

function stopOnSignalsAndTimeout(
  options: BenchOptions,
  cleanup: Cleanup,
  results: BenchResults,
): void {
  process.on('exit', () => cleanup.runOnExit());
  // Stopped early: clean up, then still report whatever was measured.
  const abandon = (reason: string, exitCode: number) => {
    log(`${reason}: cleaning up`);
    results.errors.run = reason;
    void cleanup
      .runAll()
      .then(() => finish(results))
      .finally(() => process.exit(exitCode));
  };
  process.once('SIGINT', () => abandon('interrupted (SIGINT)', 130));
  process.once('SIGTERM', () => abandon('terminated (SIGTERM)', 143));
  setTimeout(
    () => abandon(`the run took over ${options.timeoutSeconds} s`, 1),
    options.timeoutSeconds * 1000,
  ).unref();
}

/** Scores the targets, writes the JSON and prints the tables. */
function finish(results: BenchResults): void {
  results.durationSeconds = (Date.now() - runStart) / 1000;
  results.targets = evaluateTargets(results);
  const resultsDir = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${formatReport(results)}\n\n  results: ${file}\n`);
}

main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
