import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { jpegPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { S3Server } from './helpers/s3-server';
import {
  removeTestData,
  ServiceProcess,
  startTestApp,
  TestApp,
  testEnvironment,
} from './helpers/test-app';

const ROWS = 6;
/** The debug line of a worker that records an image's outcome (not a repeated recording). */
const IMAGE_RECORDED = /Image [\w-]+\/\d+-\d+: Completed(?! \(already recorded\))/;

describe('One API and two workers sharing only Redis, the database and a bucket', () => {
  let s3: S3Server;
  let images: FixtureServer;
  let api: TestApp;
  let workers: ServiceProcess[] = [];
  /** Each process's own STORAGE_DIR, which none of them may use. */
  const storageDirs = ['api', 'worker-1', 'worker-2'].map((name) =>
    mkdtempSync(join(tmpdir(), `image-batch-${name}-`)),
  );

  beforeAll(async () => {
    s3 = await S3Server.start();
    images = await new FixtureServer().start();
    for (let index = 1; index <= 2 * ROWS; index++) {
      const photo = await jpegPhoto(200, 150, 92, index);
      // A short delay per download keeps both workers busy at once.
      images.slowFile(`/p${index}.jpg`, photo, 50);
    }
    const env = await testEnvironment({ ...s3.environment(), IMAGE_CONCURRENCY: '1' });
    api = await startTestApp({ ...env, MODE: 'api', STORAGE_DIR: storageDirs[0] });
    workers = storageDirs
      .slice(1)
      .map((storageDir) => new ServiceProcess({ ...env, MODE: 'worker', STORAGE_DIR: storageDir }));
    await Promise.all(workers.map((worker) => worker.waitForLog('Worker started')));
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await api?.close();
    await images.stop();
    await s3.remove();
    await removeTestData(api.env);
    for (const storageDir of storageDirs) rmSync(storageDir, { recursive: true, force: true });
  });

  it('serves every image and the output CSV the workers stored in the bucket', async () => {
    const rows = Array.from({ length: ROWS }, (_, row) => {
      const urls = [2 * row + 1, 2 * row + 2].map((n) => images.url(`/p${n}.jpg`));
      return `${row + 1},Product ${row + 1},"${urls.join(', ')}"`;
    });
    const csv = `S. No.,Product Name,Input Image Urls\n${rows.join('\n')}\n`;

    const requestId = await uploadCsv(api.baseUrl, csv);
    const status = await waitUntilFinished(api.baseUrl, requestId);

    expect(status.progress).toMatchObject({ total: 2 * ROWS, succeeded: 2 * ROWS });
    const outputUrls = status.images.items.map((item) => item.output_url ?? '');
    for (const url of outputUrls) {
      const path = new URL(url).pathname;
      expect(url).toBe(`${api.baseUrl}${path}`);
      const image = await request(api.baseUrl).get(path).expect(200);
      expect(image.headers['content-type']).toBe('image/jpeg');
      const stored = await fetch(s3.objectUrl(path.slice('/images/'.length)));
      expect(image.body).toEqual(Buffer.from(await stored.arrayBuffer()));
    }
    const output = await request(api.baseUrl).get(`/status/${requestId}/output.csv`).expect(200);
    for (let row = 0; row < ROWS; row++) {
      expect(output.text).toContain(`"${outputUrls.slice(2 * row, 2 * row + 2).join(', ')}"`);
    }
    for (const storageDir of storageDirs) expect(readdirSync(storageDir)).toEqual([]);
    const imagesPerWorker = workers.map(
      (worker) => worker.log.split('\n').filter((line) => IMAGE_RECORDED.test(line)).length,
    );
    expect(imagesPerWorker.reduce((sum, count) => sum + count, 0)).toBe(2 * ROWS);
    expect(Math.min(...imagesPerWorker)).toBeGreaterThan(0);
  });
});
