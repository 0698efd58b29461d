import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { insertRows } from '../src/requests/bulk-insert';
import { urlHash } from '../src/requests/url-hash';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { jpegPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { requestPkOf, rowsOf } from './helpers/request-rows';
import { removeTestData, ServiceProcess, testEnvironment } from './helpers/test-app';
import { StorageDriverName, TestStorage } from './helpers/test-storage';
import { sleep, waitFor } from './helpers/wait-for';
import { epochMs, StatusSampler } from './helpers/status-sampler';

const HEADER = 'S. No.,Product Name,Input Image Urls\n';
/** The request deleted: 1 row uploaded, then 33,333 rows of 3 images each written directly. */
const BIG_IMAGES = 100_000;
const IMAGES_PER_ROW = 3;
/** Products per INSERT: their images' values stay under SQLite's 32,766 parameters. */
const PRODUCTS_PER_INSERT = 500;
/**
 * Its stored files: on local disk one per image, as a real request of that size has. In the
 * bucket (written straight into it) enough for several DeleteObjects batches, few enough for
 * s3rver to write quickly.
 */
const STORED_FILES: Record<StorageDriverName, number> = { local: BIG_IMAGES - 1, s3: 2_500 };
/** Rows of each request that runs meanwhile: more than it can process while the test runs. */
const RUNNING_ROWS = 20_000;
/**
 * A status is asked for this often, whether or not the previous answers are in: a deletion of
 * 15 s or more gives about 1,000 samples.
 */
const SAMPLE_INTERVAL_MS = 15;
/** How often a wait for the deletion counts the files left. */
const FILES_COUNTED_EVERY_MS = 5_000;
/** Samples taken during the deletion, at least. */
const MIN_SAMPLES_DURING = 500;
/** Samples taken before the deletion starts, and as many again after it ends. */
const BASELINE_MS = 12_000;
/**
 * Added to twice the p99 around the deletion: a quiet machine answers in about 20 ms, where one
 * late tick of the sampler's own timer would count as a doubling. Far below the stall of a
 * deletion in one statement (about 600 ms on SQLite).
 */
const TIMER_NOISE_MS = 20;

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const summary = (samples: { ms: number }[]) => {
  const ms = samples.map((sample) => sample.ms);
  return {
    samples: ms.length,
    p50: Math.round(percentile(ms, 50)),
    p90: Math.round(percentile(ms, 90)),
    p99: Math.round(percentile(ms, 99)),
  };
};

/**
 * Reads, every 20 ms, which image of a request is the first one left (an index probe, cheap
 * enough to run all along the measure): a deletion in batches is seen at many of them, one
 * statement that deletes every image at two at most.
 */
class FirstImageWatcher {
  private readonly seen = new Set<number | null>();
  private running = true;
  private readonly done: Promise<void>;

  constructor(database: DataSource, requestPk: number) {
    this.done = (async () => {
      while (this.running) {
        const [row] = await database.query<{ first: number | string | null }[]>(
          `SELECT MIN(ordinal) AS first FROM images WHERE request_pk = ${requestPk}`,
        );
        this.seen.add(row.first === null ? null : Number(row.first));
        await sleep(20);
      }
    })();
  }

  /** How many first ordinals were seen so far: it grows as long as rows are deleted. */
  get moves(): number {
    return this.seen.size;
  }

  /** The first ordinals left that were seen, gone (null) included. */
  async stop(): Promise<Set<number | null>> {
    this.running = false;
    await this.done;
    return this.seen;
  }
}

/** The service's count of requests removed, from its metrics. */
async function requestsRemoved(baseUrl: string): Promise<number> {
  const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = /^image_batch_requests_removed_total (\S+)$/m.exec(metrics);
  return line ? Number(line[1]) : 0;
}

/**
 * Gives a finished one-image request 99,999 more images, stored as the upload and the workers
 * store them (products of three images, each Completed with its output key), and `files` of
 * them a stored file. Written directly, since processing that many images would take long.
 */
async function growRequest(
  database: DataSource,
  storage: TestStorage,
  env: Record<string, string>,
  requestId: string,
  photo: Buffer,
): Promise<void> {
  const requestPk = await requestPkOf(database, requestId);
  const rows = (BIG_IMAGES - 1) / IMAGES_PER_ROW;
  const names: string[] = [];
  await database.transaction(async (manager) => {
    // A date as the driver stores it, as the service's statements pass it.
    const [, [now]] = manager.connection.driver.escapeQueryWithParameters(':now', {
      now: new Date(),
    });
    let ordinal = 1;
    for (let first = 2; first <= rows + 1; first += PRODUCTS_PER_INSERT) {
      const rowNumbers = Array.from(
        { length: Math.min(PRODUCTS_PER_INSERT, rows + 2 - first) },
        (_, index) => first + index,
      );
      const products = await insertRows<{ id: number; row_number: number }>(
        manager,
        'products',
        [
          'request_pk',
          'row_number',
          'line_number',
          'serial_number',
          'product_name',
          'input_image_urls',
        ],
        rowNumbers.map((row) => [
          requestPk,
          row,
          row + 1,
          String(row),
          `Item ${row}`,
          [1, 2, 3].map((position) => `https://img.example/${row}/${position}.jpg`).join(','),
        ]),
        ['id', 'row_number'],
      );
      const images: unknown[][] = [];
      for (const product of products) {
        for (let position = 1; position <= IMAGES_PER_ROW; position += 1) {
          const url = `https://img.example/${product.row_number}/${position}.jpg`;
          const name = `${product.row_number}-${position}.jpg`;
          if (names.length < STORED_FILES[storage.driver]) names.push(name);
          images.push([
            ...[Number(product.id), requestPk, (ordinal += 1), position, url, urlHash(url)],
            ...['Completed', `${requestId}/${name}`, 2000, photo.length, 'jpeg', 64, 48, 1, now],
          ]);
        }
      }
      await insertRows(
        manager,
        'images',
        [
          ...['product_id', 'request_pk', 'ordinal', 'position', 'input_url', 'url_hash'],
          ...['status', 'output_key', 'bytes_in', 'bytes_out', 'format', 'width', 'height'],
          ...['attempts', 'processed_at'],
        ],
        images,
      );
    }
    await manager.query(
      `UPDATE image_processing_requests SET total_images = ${BIG_IMAGES},
         processed_images = ${BIG_IMAGES} WHERE id = ${requestPk}`,
    );
  });
  for (let start = 0; start < names.length; start += 50) {
    await Promise.all(
      names.slice(start, start + 50).map((name) => storage.store(env, requestId, name, photo)),
    );
  }
}

/**
 * On local disk, and on S3 (s3rver in a process of its own), whose listing and DeleteObjects
 * pages cost the service CPU of their own.
 */
const DRIVERS: readonly StorageDriverName[] = ['local', 's3'];

describe.each(DRIVERS)('Deleting a large request, stored on %s', (driver) => {
  it('does not double the status p99 of the requests that run meanwhile, and leaves nothing of it', async () => {
    const photo = await jpegPhoto(64, 48, 90);
    const images = await new FixtureServer().start();
    images.otherwise((_incoming, response) => {
      // Slow enough that the running requests last the whole test.
      setTimeout(() => {
        response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': photo.length });
        response.end(photo);
      }, 100);
    });
    // s3rver in a process of its own: removing thousands of objects would otherwise hold up
    // this process (the image server, the probes), to be counted against the service.
    const storage = await TestStorage.start(driver, { inOwnProcess: true });
    // The API answers the statuses and deletes; a worker of its own processes the images, as
    // in a deployment of API and workers, so that the deletion is what the API does besides.
    const env = await testEnvironment({
      ...storage.environment(),
      MODE: 'api',
      LIFECYCLE_SWEEP_INTERVAL_MS: '200',
    });
    const database = new DataSource({
      ...buildDataSourceOptions(loadConfig(env).database),
      migrationsRun: false,
    });
    const service = new ServiceProcess(env);
    const worker = new ServiceProcess({
      ...env,
      MODE: 'worker',
      LIFECYCLE_SWEEP_INTERVAL_MS: String(24 * 3600 * 1000),
    });
    let sampler: StatusSampler | undefined;
    try {
      await service.waitForLog('Listening');
      await worker.waitForLog('Worker started');
      await database.initialize();
      const api = env.PUBLIC_BASE_URL;
      const bigId = await uploadCsv(api, `${HEADER}1,Item 1,${images.url('/big/1.jpg')}\n`);
      expect((await waitUntilFinished(api, bigId)).status).toBe('Completed');
      await growRequest(database, storage, env, bigId, photo);
      const bigPk = await requestPkOf(database, bigId);
      expect((await getStatus(api, bigId)).progress.total).toBe(BIG_IMAGES);
      // With the uploaded image and the output CSV.
      expect((await storage.storedUnder(env, bigId))?.length).toBe(STORED_FILES[driver] + 2);

      const csv = (name: string) =>
        HEADER +
        Array.from(
          { length: RUNNING_ROWS },
          (_, index) => `${index + 1},Item ${index + 1},${images.url(`/${name}/${index}.jpg`)}`,
        ).join('\n');
      const running = [await uploadCsv(api, csv('one')), await uploadCsv(api, csv('two'))];
      const processed = async () => {
        const statuses = await Promise.all(running.map((id) => getStatus(api, id)));
        return statuses.map((status) => status.progress.processed);
      };
      await waitFor(async () => (await processed()).every((count) => count >= 10), {
        what: 'the running requests to get going',
      });

      sampler = StatusSampler.start(api, running, SAMPLE_INTERVAL_MS);
      const watcher = new FirstImageWatcher(database, bigPk);
      const removedBefore = await requestsRemoved(api);
      await sleep(BASELINE_MS);
      const processedBefore = await processed();
      const deletionStarted = epochMs();
      const answer = await fetch(`${api}/requests/${bigId}`, { method: 'DELETE' });
      expect(answer.status).toBe(202);
      // A busy machine makes the deletion slower: the wait lasts as long as its rows or its
      // files keep going (files counted every few seconds, a listing of thousands each time).
      let filesLeft: { at: number; count: number | undefined } = { at: 0, count: undefined };
      await waitFor(async () => (await requestsRemoved(api)) > removedBefore, {
        intervalMs: 250,
        what: 'the large request to be removed',
        progress: async () => {
          if (performance.now() - filesLeft.at > FILES_COUNTED_EVERY_MS) {
            const count = (await storage.storedUnder(env, bigId))?.length ?? 0;
            filesLeft = { at: performance.now(), count };
          }
          return [watcher.moves, filesLeft.count];
        },
      });
      const deletionEnded = epochMs();
      const processedDuring = await processed();
      await sleep(BASELINE_MS);
      const { samples, failures } = await sampler.stop();
      sampler = undefined;
      const firstImages = await watcher.stop();
      expect(failures).toEqual([]);
      const during = samples.filter(
        (sample) => sample.dueAt >= deletionStarted && sample.dueAt < deletionEnded,
      );
      const baseline = samples.filter(
        (sample) => sample.dueAt < deletionStarted || sample.dueAt >= deletionEnded,
      );
      const figures = {
        deletionMs: Math.round(deletionEnded - deletionStarted),
        baseline: summary(baseline),
        during: summary(during),
      };
      console.log(`${driver}: ${JSON.stringify({ ...figures, firstImages: firstImages.size })}`);
      // The other requests ran, and were asked about, all along the deletion.
      processedDuring.forEach((count, index) =>
        expect(count).toBeGreaterThan(processedBefore[index]),
      );
      // Its images went a batch at a time: the first one left was seen to move many times.
      expect(firstImages.size).toBeGreaterThanOrEqual(10);
      // Enough that its p99 is not the one sample a passing stall of the machine held up: with
      // fewer, the deletion's p99 is close to its maximum, and the p99 around it is not.
      expect(during.length).toBeGreaterThanOrEqual(MIN_SAMPLES_DURING);
      expect(figures.during.p99).toBeLessThanOrEqual(2 * figures.baseline.p99 + TIMER_NOISE_MS);

      expect(await rowsOf(database, bigPk)).toBe(0);
      expect(await storage.storedUnder(env, bigId)).toBeNull();
    } finally {
      sampler?.kill();
      await service.stop();
      await worker.stop();
      if (database.isInitialized) await database.destroy();
      await images.stop();
      await storage.stop();
      await removeTestData(env);
    }
  });
});
