import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { jpegPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { freePort } from './helpers/free-port';
import { S3Server } from './helpers/s3-server';
import { Env, removeTestData, ServiceProcess, testEnvironment } from './helpers/test-app';
import { createPostgresDatabase, usesPostgres } from './helpers/test-database';
import { waitFor } from './helpers/wait-for';

const APIS = 2;
const WORKERS = 3;
/** 19 catalogs and one small upload: 5,000 images in all. */
const CATALOGS = 19;
const CATALOG_IMAGES = 260;
const SMALL_IMAGES = 5000 - CATALOGS * CATALOG_IMAGES;
/** Small enough that the dispatchers refill it many times, contending for their lock. */
const WINDOW = '400';
/** The debug line of a worker that records an image's outcome (not a repeated recording). */
const IMAGE_RECORDED = /Image [\w-]+\/\d+-\d+: Completed(?! \(already recorded\))/;

/**
 * The shape of a production deployment on one machine: API and worker processes that share
 * only Redis, PostgreSQL and a bucket, each running a dispatcher. Every image is downloaded
 * and recorded once, wherever its upload arrived, and a small upload still overtakes the
 * catalogs queued before it.
 */
describe('Two API and three worker processes on PostgreSQL and a bucket', () => {
  let s3: S3Server;
  let images: FixtureServer;
  let env: Env;
  let processes: ServiceProcess[] = [];
  let apiUrls: string[] = [];
  let workers: ServiceProcess[] = [];

  beforeAll(async () => {
    s3 = await S3Server.start();
    images = await new FixtureServer().start();
    // One tiny JPEG behind a distinct URL per image: the work is dispatch, not compression.
    const photo = await jpegPhoto(16, 16);
    images.otherwise((_, response) =>
      response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(photo),
    );
    env = await testEnvironment({
      ...s3.environment(),
      // PostgreSQL whatever TEST_DATABASE says: SQLite is for one machine.
      ...(usesPostgres() ? {} : { DATABASE_URL: await createPostgresDatabase() }),
      SINGLE_HOST: 'false',
      QUEUE_WINDOW: WINDOW,
      // The default: kicks, not polls, start new uploads.
      DISPATCH_INTERVAL_MS: '500',
      IMAGE_CONCURRENCY: '8',
    });
    const apis = [];
    for (let index = 0; index < APIS; index++) {
      const port = String(await freePort());
      apis.push(new ServiceProcess({ ...env, MODE: 'api', PORT: port }));
      apiUrls.push(`http://127.0.0.1:${port}`);
    }
    workers = Array.from({ length: WORKERS }, () => new ServiceProcess({ ...env, MODE: 'worker' }));
    processes = [...apis, ...workers];
    await Promise.all([
      ...apis.map((api) => api.waitForLog('Listening on')),
      ...workers.map((worker) => worker.waitForLog('Worker started')),
    ]);
  });

  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop()));
    processes = [];
    apiUrls = [];
    await images.stop();
    await s3.remove();
    await removeTestData(env);
  });

  const csvOf = (name: string, count: number): string =>
    'S. No.,Product Name,Input Image Urls\n' +
    Array.from(
      { length: count },
      (_, index) => `${index + 1},${name} ${index + 1},${images.url(`/${name}/${index + 1}.jpg`)}`,
    ).join('\n') +
    '\n';

  it('processes 5,000 images across 20 uploads once each, and fairly', async () => {
    const database = await new DataSource({
      ...buildDataSourceOptions(loadConfig(env).database),
      migrationsRun: false,
    }).initialize();
    try {
      // Read from the database, so that watching does not load the APIs.
      const processed = async (requestIds: string[]): Promise<number> => {
        const [row] = await database.query<{ processed: number }[]>(
          `SELECT COALESCE(SUM(processed_images), 0)::int AS processed
             FROM image_processing_requests WHERE request_id = ANY($1)`,
          [requestIds],
        );
        return row.processed;
      };
      const started = Date.now();
      const catalogs: { requestId: string; apiUrl: string }[] = [];
      for (let index = 0; index < CATALOGS; index++) {
        const apiUrl = apiUrls[index % APIS];
        const requestId = await uploadCsv(apiUrl, csvOf(`c${index}`, CATALOG_IMAGES));
        catalogs.push({ requestId, apiUrl });
      }
      const catalogIds = catalogs.map((catalog) => catalog.requestId);
      await waitFor(async () => (await processed(catalogIds)) >= 200, {
        progress: () => processed(catalogIds),
        what: 'the catalogs to be under way',
      });

      // A small upload behind them, to the other API than the last catalog's.
      const smallApi = apiUrls[CATALOGS % APIS];
      const small = await uploadCsv(smallApi, csvOf('small', SMALL_IMAGES));
      await waitFor(async () => (await processed([small])) === SMALL_IMAGES, {
        progress: () => processed([small]),
        what: 'the small upload to be processed',
      });
      const processedWhenSmallDone = await processed(catalogIds);
      console.info(
        `The catalogs had ${processedWhenSmallDone} images processed when the small upload was`,
      );
      // Queued first come first served, it would wait for every catalog.
      expect(processedWhenSmallDone).toBeLessThan((CATALOGS * CATALOG_IMAGES) / 2);

      const all = [...catalogIds, small];
      await waitFor(async () => (await processed(all)) === 5000, {
        progress: () => processed(all),
        what: 'every image to be processed',
      });
      console.info(`5,000 images processed in ${Date.now() - started} ms`);
      for (const { requestId, apiUrl } of [...catalogs, { requestId: small, apiUrl: smallApi }]) {
        const status = await waitUntilFinished(apiUrl, requestId);
        expect(status).toMatchObject({ status: 'Completed', progress: { failed: 0 } });
        expect(status.progress.succeeded).toBe(status.progress.total);
      }

      // Each image downloaded once,
      expect(images.hits.size).toBe(5000);
      expect([...images.hits].filter(([, hits]) => hits !== 1)).toEqual([]);
      // recorded once, by one worker or another,
      const recorded = workers.map(
        (worker) => worker.log.split('\n').filter((line) => IMAGE_RECORDED.test(line)).length,
      );
      console.info(`Images recorded per worker: ${recorded.join(', ')}`);
      expect(recorded.reduce((sum, count) => sum + count, 0)).toBe(5000);
      expect(Math.min(...recorded)).toBeGreaterThan(0);
      // with no job taken for lost by a dispatcher's check that raced its completion,
      for (const child of processes) expect(child.log).not.toContain('that Redis had lost');
      // and stored so. An attempt that failed before its request reached the image server
      // counts as an attempt, but the hits above show that it downloaded nothing.
      expect(
        await database.query(`SELECT status, COUNT(*)::int AS images FROM images GROUP BY status`),
      ).toEqual([{ status: 'Completed', images: 5000 }]);
      const [{ retried }] = await database.query<{ retried: number }[]>(
        `SELECT COUNT(*)::int AS retried FROM images WHERE attempts > 1`,
      );
      console.info(`Images that needed more than one attempt: ${retried}`);
      expect(
        await database.query(
          `SELECT status, COUNT(*)::int AS requests, SUM(processed_images)::int AS processed
             FROM image_processing_requests GROUP BY status`,
        ),
      ).toEqual([{ status: 'Completed', requests: CATALOGS + 1, processed: 5000 }]);
    } finally {
      await database.destroy();
    }
  });
});
