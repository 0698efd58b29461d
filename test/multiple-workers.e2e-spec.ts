import { readdirSync } from 'node:fs';
import { jpegPhoto } from './helpers/fixture-images';
import { uploadCsv, waitUntilFinished, waitUntilNothingOwed } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import {
  removeTestData,
  ServiceProcess,
  startTestApp,
  TestApp,
  testEnvironment,
} from './helpers/test-app';
import { WebhookReceiver } from './helpers/webhook-receiver';

const IMAGES = 24;
/** The debug line of a worker that records an image's outcome (not a repeated recording). */
const IMAGE_RECORDED = /Image [\w-]+\/\d+-\d+: Completed(?! \(already recorded\))/;

describe('One API and two worker processes on one queue', () => {
  let images: FixtureServer;
  let receiver: WebhookReceiver;
  let api: TestApp;
  let workers: ServiceProcess[] = [];

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const photo = await jpegPhoto(320, 240, 92);
    for (let index = 1; index <= IMAGES; index++) {
      // A short delay per download keeps both workers busy at once.
      images.slowFile(`/p${index}.jpg`, photo, 50);
    }
    receiver = await new WebhookReceiver().start();
    const env = await testEnvironment({ IMAGE_CONCURRENCY: '1' });
    api = await startTestApp({ ...env, MODE: 'api' });
    workers = [1, 2].map(() => new ServiceProcess({ ...env, MODE: 'worker' }));
    await Promise.all(workers.map((worker) => worker.waitForLog('Worker started')));
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await api?.close();
    await images.stop();
    await receiver.stop();
    await removeTestData(api.env);
  });

  it('spreads one batch over both workers and finalises it exactly once', async () => {
    const rows = Array.from({ length: IMAGES / 2 }, (_, row) => {
      const urls = [2 * row + 1, 2 * row + 2].map((n) => images.url(`/p${n}.jpg`));
      return `${row + 1},Product ${row + 1},"${urls.join(', ')}"`;
    });
    const csv = `S. No.,Product Name,Input Image Urls\n${rows.join('\n')}\n`;

    const requestId = await uploadCsv(api.baseUrl, csv, { webhookUrl: receiver.url });

    const status = await waitUntilFinished(api.baseUrl, requestId);
    const deliveries = await waitUntilNothingOwed(api.dataSource, requestId);

    expect(status.progress).toMatchObject({ total: IMAGES, processed: IMAGES, failed: 0 });
    expect(deliveries).toEqual([expect.objectContaining({ attempt: 1, outcome: 'delivered' })]);
    expect(receiver.received).toHaveLength(1);
    for (let index = 1; index <= IMAGES; index++) expect(images.hitsOf(`/p${index}.jpg`)).toBe(1);
    expect(readdirSync(`${api.env.STORAGE_DIR}/${requestId}`).sort()).toEqual(
      [
        ...Array.from({ length: IMAGES / 2 }, (_, row) => [`${row + 1}-1.jpg`, `${row + 1}-2.jpg`]),
        'output.csv',
      ]
        .flat()
        .sort(),
    );
    const finishedLines = workers.map(
      (worker) =>
        worker.log.split('\n').filter((line) => line.includes('finished: Completed')).length,
    );
    expect(finishedLines.reduce((sum, count) => sum + count, 0)).toBe(1);
    const imagesPerWorker = workers.map(
      (worker) => worker.log.split('\n').filter((line) => IMAGE_RECORDED.test(line)).length,
    );
    expect(imagesPerWorker.reduce((sum, count) => sum + count, 0)).toBe(IMAGES);
    expect(Math.min(...imagesPerWorker)).toBeGreaterThan(0);
  });
});
