import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { jpegPhoto } from './helpers/fixture-images';
import {
  getStatus,
  uploadCsv,
  waitUntilFinished,
  waitUntilNothingOwed,
} from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { PrivateRedis } from './helpers/private-redis';
import {
  removeTestData,
  ServiceProcess,
  startTestApp,
  TestApp,
  testEnvironment,
} from './helpers/test-app';
import { waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

const IMAGES = 16;

describe('Crash recovery', () => {
  it('finishes a batch whose worker was killed mid-way, counting every image once', async () => {
    const images = await new FixtureServer().start();
    const receiver = await new WebhookReceiver().start();
    const photo = await jpegPhoto(320, 240, 92);
    for (let index = 1; index <= IMAGES; index++) {
      images.slowFile(`/p${index}.jpg`, photo, 300);
    }
    const env = await testEnvironment({
      IMAGE_CONCURRENCY: '2',
      QUEUE_LOCK_DURATION_MS: '2000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
    });
    const api = await startTestApp({ ...env, MODE: 'api' });
    const doomed = new ServiceProcess({ ...env, MODE: 'worker' });
    let rescuer: ServiceProcess | undefined;
    try {
      await doomed.waitForLog('Worker started');
      const urls = Array.from({ length: IMAGES }, (_, index) => images.url(`/p${index + 1}.jpg`));
      const csv = `S. No.,Product Name,Input Image Urls\n${urls
        .map((url, index) => `${index + 1},Product ${index + 1},${url}`)
        .join('\n')}\n`;
      const requestId = await uploadCsv(api.baseUrl, csv, { webhookUrl: receiver.url });
      const status = () => getStatus(api.baseUrl, requestId);

      await waitFor(async () => (await status()).progress.processed >= 4, {
        what: 'a few images to be processed',
      });
      doomed.kill('SIGKILL');
      const processedAtCrash = (await status()).progress.processed;
      expect(processedAtCrash).toBeLessThan(IMAGES);

      rescuer = new ServiceProcess({ ...env, MODE: 'worker' });
      const finished = await waitUntilFinished(api.baseUrl, requestId);
      expect(finished.status).toBe('Completed');
      const deliveries = await waitUntilNothingOwed(api.dataSource, requestId);

      expect(finished.progress).toMatchObject({ total: IMAGES, processed: IMAGES, failed: 0 });
      const rows = await api.dataSource
        .createQueryBuilder()
        .select('i.status', 'status')
        .addSelect('COUNT(*)', 'count')
        .from('images', 'i')
        .groupBy('i.status')
        .getRawMany<{ status: string; count: string | number }>();
      expect(rows.map((row) => ({ ...row, count: Number(row.count) }))).toEqual([
        { status: 'Completed', count: IMAGES },
      ]);
      for (let index = 1; index <= IMAGES; index++) {
        expect(existsSync(join(env.STORAGE_DIR, requestId, `${index}-1.jpg`))).toBe(true);
      }
      expect(deliveries).toEqual([expect.objectContaining({ attempt: 1, outcome: 'delivered' })]);
      expect(receiver.received).toHaveLength(1);
    } finally {
      doomed.kill('SIGKILL');
      await rescuer?.stop();
      await api.close();
      await images.stop();
      await receiver.stop();
      await removeTestData(env);
    }
  });

  it('lets a worker told to stop with SIGTERM finish the images in hand and take no more', async () => {
    const images = await new FixtureServer().start();
    const photo = await jpegPhoto(160, 120, 92);
    let downloadsStarted = 0;
    // Slow enough to be in hand when SIGTERM comes, quicker than the test's download timeout.
    for (let index = 1; index <= 6; index++) {
      images.route(`/p${index}.jpg`, (_, response) => {
        downloadsStarted++;
        setTimeout(() => response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(photo), 800);
      });
    }
    const env = await testEnvironment({ IMAGE_CONCURRENCY: '2' });
    const api = await startTestApp({ ...env, MODE: 'api' });
    const worker = new ServiceProcess({ ...env, MODE: 'worker' });
    try {
      await worker.waitForLog('Worker started');
      const urls = [1, 2, 3, 4, 5, 6].map((n) => `${n},P${n},${images.url(`/p${n}.jpg`)}`);
      const csv = `S. No.,Product Name,Input Image Urls\n${urls.join('\n')}\n`;
      const requestId = await uploadCsv(api.baseUrl, csv);
      await waitFor(() => downloadsStarted >= 2, { what: 'two downloads in hand' });

      await worker.stop('SIGTERM');

      const status = await getStatus(api.baseUrl, requestId);
      expect(downloadsStarted).toBe(2);
      expect(status.progress).toMatchObject({ total: 6, processed: 2, failed: 0 });
    } finally {
      await worker.stop('SIGKILL');
      await api.close();
      await images.stop();
      await removeTestData(env);
    }
  });

  it('accepts an upload while Redis is down and processes it once Redis is back', async () => {
    const images = await new FixtureServer().start();
    const redis = await PrivateRedis.start();
    await redis.stop();
    const env = await testEnvironment({ REDIS_URL: redis.url });
    const service: TestApp = await startTestApp(env);
    try {
      const photo = await jpegPhoto(64, 48, 90);
      const urls = [1, 2, 3].map((n) => images.file(`/p${n}.jpg`, photo, 'image/jpeg'));
      const csv = `S. No.,Product Name,Input Image Urls\n1,Mug,"${urls.join(', ')}"\n`;

      const requestId = await uploadCsv(service.baseUrl, csv);
      expect(await getStatus(service.baseUrl, requestId)).toMatchObject({
        status: 'Pending',
        progress: { total: 3, processed: 0 },
      });

      await redis.resume();
      const finished = await waitUntilFinished(service.baseUrl, requestId);
      expect(finished.progress).toMatchObject({ total: 3, processed: 3, failed: 0 });
    } finally {
      await service.close();
      await redis.stop();
      await images.stop();
      await removeTestData(env);
    }
  });
});
