import Bull from 'bull';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { IMAGES_QUEUE, WEBHOOKS_QUEUE } from '../src/queue/queue.constants';
import { getStatus, uploadCsv, waitUntilNothingOwed } from './helpers/batch-client';
import { jpegPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { PrivateRedis } from './helpers/private-redis';
import { removeTestData, ServiceProcess, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';
import { PAUSED_LOG, PAUSED_WORKER_ENTRY } from './helpers/worker-paused-after-finishing';

const SLOW_DOWNLOAD_MS = 3000;

/**
 * The webhook of a finished request is owed in the same transaction that finishes it (the
 * outbox), so that no crash can lose it or send it twice. The worst moment for a crash is
 * after that transaction and before the webhook's job is in Redis: this test kills a worker
 * exactly there, after Redis itself went down and came back, and expects one delivery.
 */
describe('A worker killed between finishing a request and queueing its webhook', () => {
  it('leaves the webhook owed, and the next worker delivers it exactly once', async () => {
    const redis = await PrivateRedis.start({ persistent: true });
    const images = await new FixtureServer().start();
    const receiver = await new WebhookReceiver().start();
    const photo = await jpegPhoto(160, 120, 90);
    const urls = [
      images.file('/p1.jpg', photo, 'image/jpeg'),
      images.file('/p2.jpg', photo, 'image/jpeg'),
    ];
    let slowDownloadStarted = false;
    urls.push(
      images.route('/p3.jpg', (_, response) => {
        slowDownloadStarted = true;
        setTimeout(
          () => response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(photo),
          SLOW_DOWNLOAD_MS,
        );
      }),
    );
    const env = await testEnvironment({
      REDIS_URL: redis.url,
      // One image at a time, so that the slow one is the last.
      IMAGE_CONCURRENCY: '1',
      DOWNLOAD_TIMEOUT_MS: '15000',
      QUEUE_LOCK_DURATION_MS: '2000',
      QUEUE_STALLED_INTERVAL_MS: '1000',
    });
    // The API's dispatcher stays off: it would queue the webhook while the worker is paused
    // after finishing the request, and the crash would no longer fall between the two.
    const api = new ServiceProcess({ ...env, MODE: 'api', DISPATCHER: 'false' });
    const workers: ServiceProcess[] = [];
    const startWorker = () => {
      const worker = new ServiceProcess({ ...env, MODE: 'worker' });
      workers.push(worker);
      return worker;
    };
    const dataSource = new DataSource({
      ...buildDataSourceOptions(loadConfig(env).database),
      migrationsRun: false,
    });
    let probes: Bull.Queue[] = [];
    try {
      const firstWorker = startWorker();
      await api.waitForLog('Listening on');
      await firstWorker.waitForLog('Worker started');
      const csv = `S. No.,Product Name,Input Image Urls\n${urls
        .map((url, index) => `${index + 1},Product ${index + 1},${url}`)
        .join('\n')}\n`;
      const requestId = await uploadCsv(env.PUBLIC_BASE_URL, csv, { webhookUrl: receiver.url });
      const status = () => getStatus(env.PUBLIC_BASE_URL, requestId);

      // Redis goes while the last image downloads; the worker still records its outcome.
      await waitFor(() => slowDownloadStarted, { what: 'the last download to start' });
      await redis.stop();
      await waitFor(async () => (await status()).progress.processed === 3, {
        what: 'the last outcome to be recorded without Redis',
      });
      await firstWorker.stop('SIGKILL');
      expect((await status()).status).not.toMatch(/Completed|Failed/);

      await redis.resume();
      // Its dispatcher passes once at start, queueing the finalisation the outbox owes, and not
      // again during the pause: nothing queues the webhook before the kill.
      const pausedWorker = new ServiceProcess(
        { ...env, MODE: 'worker', DISPATCH_INTERVAL_MS: '600000' },
        { entry: PAUSED_WORKER_ENTRY },
      );
      workers.push(pausedWorker);
      await pausedWorker.waitForLog(PAUSED_LOG);
      const [imagesProbe, webhooksProbe] = [IMAGES_QUEUE, WEBHOOKS_QUEUE].map(
        (name) => new Bull(name, redis.url, { prefix: env.QUEUE_PREFIX }),
      );
      probes = [imagesProbe, webhooksProbe];
      // Killed while holding the dispatcher lock, it would keep the next worker out for long.
      const lock = imagesProbe.toKey('dispatcher-lock');
      await waitFor(async () => (await imagesProbe.client.exists(lock)) === 0, {
        what: 'the dispatcher lock to be free',
      });
      expect((await status()).status).toBe('Completed');
      expect(await webhooksProbe.getJobCounts()).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
        completed: 0,
        failed: 0,
      });
      expect(receiver.received).toHaveLength(0);
      await pausedWorker.stop('SIGKILL');

      await dataSource.initialize();
      startWorker();
      const deliveries = await waitUntilNothingOwed(dataSource, requestId);

      expect(deliveries).toEqual([
        expect.objectContaining({ attempt: 1, outcome: 'delivered', status_code: 200 }),
      ]);
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0].json).toMatchObject({
        type: 'image_processing.completed',
        data: { request_id: requestId, status: 'Completed' },
      });
      expect(await status()).toMatchObject({
        status: 'Completed',
        progress: { total: 3, processed: 3, failed: 0 },
      });
    } finally {
      await Promise.all(probes.map((probe) => probe.close()));
      if (dataSource.isInitialized) await dataSource.destroy();
      for (const worker of workers) await worker.stop('SIGKILL');
      await api.stop('SIGKILL');
      await redis.remove();
      await images.stop();
      await receiver.stop();
      await removeTestData(env);
    }
  });
});
