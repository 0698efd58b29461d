/**
 * `npm run bench`: how close the service comes to what sharp alone can do on this machine, in
 * one run so that the figures share the machine's mood. Progress goes to stderr; the table to
 * stdout; everything to bench/results/<timestamp>.json.
 *
 * Settings (environment):
 *   BENCH_IMAGES          images in the set (default 32)
 *   BENCH_ROUNDS          alternating limit / service rounds; the best of each counts (default 3)
 *   BENCH_INGEST_ROWS     rows of the large CSV, 3 URLs each (default 100000; 0 skips ingest)
 *   BENCH_STATUS_SECONDS  length of each GET /status load (default 10)
 *   BENCH_TIMEOUT_SECONDS the whole run is stopped and cleaned up after this (default 570)
 *   BENCH_SERVICE_ENV     service settings to try, e.g. "IMAGE_CONCURRENCY=4 UV_THREADPOOL_SIZE=8"
 *   REDIS_URL             Redis for the service's queues (default redis://127.0.0.1:6379)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ImageServer } from './image-server';
import { ingestCsv, measureIngest } from './ingest';
import {
  LimitConfig,
  measureJpegSettings,
  measureLimit,
  measureLimitRun,
  measureNaive,
  SHARP_DEFAULT_CONCURRENCY,
} from './limit';
import { BenchResults, evaluateTargets, formatReport } from './report';
import { measureServiceBatch, measureStatusDuringBatch } from './service-batch';
import {
  benchEnvironment,
  buildService,
  deleteQueueKeys,
  Env,
  makeDataDir,
  PROJECT_ROOT,
  removeDir,
  ServiceProcess,
} from './service-process';
import { loadUrl } from './status-load';
import { generateImages } from './photo-corpus';

const MB = 1024 * 1024;
const DEFAULT_UPLOAD_MAX_BYTES = 64 * MB;
const DEFAULT_CSV_MAX_ROWS = 200_000;
const URLS_PER_INGEST_ROW = 3;
const BATCH_TIMEOUT_MS = 240_000;
const PATIENT_ENQUEUE_MS = 180_000;

interface Options {
  images: number;
  rounds: number;
  ingestRows: number;
  statusSeconds: number;
  timeoutSeconds: number;
  redisUrl: string;
  serviceOverrides: Env;
}

function readOptions(): Options {
  const integer = (name: string, fallback: number, min: number): number => {
    const raw = process.env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`${name} must be an integer ≥ ${min}, not "${raw}"`);
    }
    return value;
  };
  const serviceOverrides: Env = {};
  for (const pair of (process.env.BENCH_SERVICE_ENV ?? '').split(/[\s,]+/).filter(Boolean)) {
    const [key, ...value] = pair.split('=');
    if (!key || value.length === 0)
      throw new Error(`BENCH_SERVICE_ENV: "${pair}" is not KEY=VALUE`);
    serviceOverrides[key] = value.join('=');
  }
  return {
    images: integer('BENCH_IMAGES', 32, 4),
    rounds: integer('BENCH_ROUNDS', 3, 1),
    ingestRows: integer('BENCH_INGEST_ROWS', 100_000, 0),
    statusSeconds: integer('BENCH_STATUS_SECONDS', 10, 1),
    timeoutSeconds: integer('BENCH_TIMEOUT_SECONDS', 570, 30),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    serviceOverrides,
  };
}

interface CleanupAction {
  name: string;
  run: () => Promise<unknown> | void;
  /** Synchronous fallback for a process 'exit' handler. */
  onExit?: () => void;
}

/** Undo actions run last-in first-out, once, whether the run ends well, fails or is stopped. */
class Cleanup {
  private readonly actions: CleanupAction[] = [];

  /** Registers an action; the returned function runs it now instead of at the end. */
  add(name: string, run: () => Promise<unknown> | void, onExit?: () => void): () => Promise<void> {
    const action: CleanupAction = { name, run, onExit };
    this.actions.push(action);
    return () => this.runOne(action);
  }

  async runAll(): Promise<void> {
    for (let action = this.actions.at(-1); action; action = this.actions.at(-1)) {
      await this.runOne(action);
    }
  }

  /** Last resort in a process 'exit' handler: synchronous only. */
  runOnExit(): void {
    for (const action of this.actions) {
      try {
        action.onExit?.();
      } catch {
        // Nothing more can be done while exiting.
      }
    }
  }

  private async runOne(action: CleanupAction): Promise<void> {
    const index = this.actions.indexOf(action);
    if (index === -1) return;
    this.actions.splice(index, 1);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        action.run(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('took over 60 s')), 60_000);
        }),
      ]);
    } catch (error) {
      log(`cleanup "${action.name}" failed: ${String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

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
    let srcDirty: boolean | null = false;
    try {
      execFileSync('git', ['diff', '--quiet', 'HEAD', '--', 'src'], { cwd: PROJECT_ROOT, env });
    } catch {
      srcDirty = true;
    }
    return { commit, srcDirty };
  } catch {
    return { commit: 'unknown', srcDirty: null };
  }
}

/** One limit configuration per strategy: threads inside libvips, images in parallel, or both. */
function limitConfigs(cores: number): LimitConfig[] {
  const configs: LimitConfig[] = [
    { vipsThreads: 1, parallel: cores },
    { vipsThreads: cores, parallel: cores },
    { vipsThreads: cores, parallel: 1 },
    { vipsThreads: 1, parallel: cores * 2 },
  ];
  const seen = new Set<string>();
  return configs.filter((config) => {
    const key = `${config.vipsThreads}x${config.parallel}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function main(): Promise<void> {
  const options = readOptions();
  const cores = availableParallelism();
  const cleanup = new Cleanup();
  const errors: Record<string, string> = {};
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
      sharpDefaultConcurrency: SHARP_DEFAULT_CONCURRENCY,
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? null,
      ...gitFacts(),
    },
    options: {
      images: options.images,
      rounds: options.rounds,
      ingestRows: options.ingestRows,
      statusSeconds: options.statusSeconds,
      timeoutSeconds: options.timeoutSeconds,
    },
    serviceOverrides: options.serviceOverrides,
    images: [],
    targets: [],
    errors,
  };

  const phase = async (name: string, action: () => Promise<void>): Promise<void> => {
    log(`${name}…`);
    try {
      await action();
    } catch (error) {
      errors[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${name} failed: ${errors[name]}`);
    }
  };

  process.on('exit', () => cleanup.runOnExit());
  // Stopped early: clean up, then still report whatever was measured.
  const abandon = (reason: string, exitCode: number) => {
    log(`${reason}: cleaning up`);
    errors.run = reason;
    void cleanup
      .runAll()
      .then(() => finish(results))
      .finally(() => process.exit(exitCode));
  };
  process.once('SIGINT', () => abandon('interrupted (SIGINT)', 130));
  process.once('SIGTERM', () => abandon('terminated (SIGTERM)', 143));
  const watchdog = setTimeout(
    () => abandon(`the run took over ${options.timeoutSeconds} s`, 1),
    options.timeoutSeconds * 1000,
  );
  watchdog.unref();

  try {
    log(`generating ${options.images} images`);
    const images = await generateImages(options.images);
    results.images = images.map((image) => ({
      name: image.name,
      format: image.format,
      width: image.width,
      height: image.height,
      megapixels: image.megapixels,
      bytes: image.data.length,
      quality: image.quality,
    }));
    const server = await new ImageServer().start();
    cleanup.add('image server', () => server.stop());

    await phase('limit', async () => {
      results.limit = await measureLimit(images, limitConfigs(cores), cores);
    });
    await phase('jpeg settings', async () => {
      const best = results.limit?.best ?? { vipsThreads: 1, parallel: cores };
      results.jpegSettings = await measureJpegSettings(images, best);
    });
    await phase('naive', async () => {
      results.naive = await measureNaive(images, server.serve('naive', images), cores);
    });

    const buildDir = makeDataDir('build');
    cleanup.add(
      'build folder',
      () => removeDir(buildDir),
      () => removeDir(buildDir),
    );
    log('transpiling the service');
    const mainScript = buildService(buildDir);

    /** Starts a service; `stop` ends it, deletes its Redis keys and removes its data folder. */
    const startService = async (
      label: string,
      overrides: Env,
    ): Promise<{ service: ServiceProcess; stop: () => Promise<void> }> => {
      if (errors.run) throw new Error(`Not starting the ${label} service: ${errors.run}`);
      const dataDir = makeDataDir(label);
      const env = await benchEnvironment(dataDir, {
        REDIS_URL: options.redisUrl,
        ...options.serviceOverrides,
        ...overrides,
      });
      const service = new ServiceProcess(mainScript, env);
      const stop = cleanup.add(
        `${label} service`,
        async () => {
          await service.stop();
          const deleted = await deleteQueueKeys(options.redisUrl, env.QUEUE_PREFIX);
          log(`${label} service stopped; removed ${deleted} Redis keys under ${env.QUEUE_PREFIX}`);
          removeDir(dataDir);
        },
        () => {
          service.killNow();
          removeDir(dataDir);
        },
      );
      await service.ready();
      return { service, stop };
    };

    await phase('service', async () => {
      const { service, stop } = await startService('all', { MODE: 'all' });
      try {
        const smallest = [...images].sort((left, right) => left.megapixels - right.megapixels);
        log('service: warm-up batch');
        await measureServiceBatch(service, server, smallest.slice(0, 4), 'warm-up', cores, 60_000);
        // Other work on the machine comes and goes: alternate the two and keep the best of each.
        const config = results.limit?.best ?? { vipsThreads: 1, parallel: cores };
        const rounds: NonNullable<BenchResults['rounds']> = {
          config: { vipsThreads: config.vipsThreads, parallel: config.parallel },
          limit: [],
          service: [],
        };
        results.rounds = rounds;
        for (let round = 1; round <= options.rounds; round++) {
          log(`round ${round}/${options.rounds}: limit`);
          rounds.limit.push((await measureLimitRun(images, rounds.config, cores)).run);
          log(`round ${round}/${options.rounds}: service`);
          rounds.service.push(
            await measureServiceBatch(
              service,
              server,
              images,
              `batch-${round}`,
              cores,
              BATCH_TIMEOUT_MS,
            ),
          );
        }
        results.service = rounds.service.reduce((left, right) =>
          right.wallMs < left.wallMs ? right : left,
        );
        results.serviceMemory = service.memory();
        log('service: GET /status load while a batch is processed');
        results.statusDuringBatch = await measureStatusDuringBatch(
          service,
          server,
          images,
          options.statusSeconds,
          BATCH_TIMEOUT_MS,
        );
        log('service: GET /status load on a finished request, nothing processing');
        results.statusIdle = await loadUrl(
          `${service.baseUrl}/status/${results.service.requestId}`,
          options.statusSeconds,
        );
      } finally {
        await stop();
      }
    });

    if (options.ingestRows > 0) {
      await phase('ingest', async () => {
        const csv = ingestCsv(server.url(''), options.ingestRows, URLS_PER_INGEST_ROW);
        // Raise the upload limits only when the requested CSV would not fit the defaults.
        const limits: Env = {};
        if (Buffer.byteLength(csv) > DEFAULT_UPLOAD_MAX_BYTES) {
          limits.UPLOAD_MAX_BYTES = String(Buffer.byteLength(csv) + MB);
        }
        if (options.ingestRows > DEFAULT_CSV_MAX_ROWS) {
          limits.CSV_MAX_ROWS = String(options.ingestRows);
        }
        results.options.ingestLimitOverrides = JSON.stringify(limits);
        const ingestOnce = async (overrides: Env) => {
          const { service, stop } = await startService('api', { MODE: 'api', ...overrides });
          try {
            const figures = await measureIngest(
              service,
              csv,
              options.ingestRows,
              URLS_PER_INGEST_ROW,
              options.redisUrl,
            );
            if (figures.requestId) {
              log('ingest: GET /status load on the stored request');
              results.statusOnLargeRequest = await loadUrl(
                `${service.baseUrl}/status/${figures.requestId}`,
                options.statusSeconds,
              );
            }
            return figures;
          } finally {
            await stop();
          }
        };
        results.ingest = await ingestOnce(limits);
        if (!results.ingest.requestId) {
          // Refused (e.g. 503 when queueing outlasts its timeout): store it anyway with a longer
          // timeout, to see the whole cost and to measure GET /status on a request this large.
          log(`ingest: refused with HTTP ${results.ingest.httpStatus}; again with more patience`);
          const patient = { ...limits, QUEUE_ENQUEUE_TIMEOUT_MS: String(PATIENT_ENQUEUE_MS) };
          results.ingestRetry = { overrides: patient, ...(await ingestOnce(patient)) };
        }
      });
    }
  } finally {
    log('cleaning up');
    await cleanup.runAll();
    clearTimeout(watchdog);
  }

  finish(results);
}

/** Scores the targets, writes the JSON and prints the table. */
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
