import Bull from 'bull';
import { hostname } from 'node:os';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { jpegPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { freePort } from './helpers/free-port';
import { PrivateRedis } from './helpers/private-redis';
import {
  removeTestData,
  ServiceProcess,
  startTestApp,
  TestApp,
  testEnvironment,
} from './helpers/test-app';
import { waitFor } from './helpers/wait-for';

const IMAGES = 40;
const DOWNLOAD_MS = 150;

/**
 * How long the work stands still after a fault ends. The bounds are what the service promises
 * (2 s after Redis returns, 3 s after the dispatcher lock's holder dies), not tight budgets: the
 * expected times are well under them.
 */
describe('Recovery times', () => {
  let images: FixtureServer;
  let csv: string;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const photo = await jpegPhoto(160, 120, 90);
    const rows: string[] = [];
    for (let index = 1; index <= IMAGES; index++) {
      rows.push(
        `${index},Product ${index},${images.slowFile(`/p${index}.jpg`, photo, DOWNLOAD_MS)}`,
      );
    }
    csv = `S. No.,Product Name,Input Image Urls\n${rows.join('\n')}\n`;
  });

  afterAll(async () => {
    await images.stop();
  });

  it('takes jobs again within 2 s of Redis returning from a 6 s outage', async () => {
    const redis = await PrivateRedis.start({ persistent: true });
    const env = await testEnvironment({ IMAGE_CONCURRENCY: '2', REDIS_URL: redis.url });
    const service = await startTestApp(env);
    try {
      const requestId = await uploadCsv(service.baseUrl, csv);
      await waitFor(
        async () => (await getStatus(service.baseUrl, requestId)).progress.processed >= 4,
        { what: 'a few images to be processed' },
      );

      await redis.stop();
      // Long enough for the jobs in hand to end, and for Bull's own back-off to reach 8 s.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      const before = (await getStatus(service.baseUrl, requestId)).progress.processed;
      expect(before).toBeLessThan(IMAGES);
      await redis.resume();
      const back = Date.now();

      await waitFor(
        async () => (await getStatus(service.baseUrl, requestId)).progress.processed > before,
        { intervalMs: 20, what: 'an image processed after Redis came back' },
      );
      const resumedAfterMs = Date.now() - back;
      console.info(`Processing resumed ${resumedAfterMs} ms after Redis came back`);
      expect(resumedAfterMs).toBeLessThan(2000);
      expect((await waitUntilFinished(service.baseUrl, requestId)).progress).toMatchObject({
        processed: IMAGES,
        failed: 0,
      });
    } finally {
      await service.close();
      await redis.remove();
      await removeTestData(env);
    }
  });

  it('dispatches within 3 s of the death of the process that held the dispatcher lock', async () => {
    const env = await testEnvironment();
    const holder = new ServiceProcess({ ...env, MODE: 'api', PORT: String(await freePort()) });
    const service: TestApp = await startTestApp(env);
    const probe = new Bull('probe', env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      prefix: env.QUEUE_PREFIX,
    });
    const lockKey = `${env.QUEUE_PREFIX}:images:dispatcher-lock`;
    try {
      await holder.waitForLog('Listening on');
      // Both processes run a pass every 50 ms; stop the holder while one of its passes holds the
      // lock, so that it can neither finish the pass nor release the lock.
      const holderPrefix = `${hostname()}:${holder.pid}:`;
      await waitFor(
        async () => {
          const token = await probe.client.get(lockKey);
          if (!token?.startsWith(holderPrefix)) return false;
          holder.kill('SIGSTOP');
          if (await probe.client.get(lockKey)) return true;
          holder.kill('SIGCONT');
          return false;
        },
        { intervalMs: 1, what: 'the other process to hold the dispatcher lock' },
      );
      await holder.stop('SIGKILL');
      const died = Date.now();

      const requestId = await uploadCsv(service.baseUrl, csv);
      await waitFor(
        async () => {
          const [row] = await service.dataSource.query<{ through: number }[]>(
            `SELECT dispatched_through AS through FROM image_processing_requests
              WHERE request_id = '${requestId}'`,
          );
          return Number(row.through) > 0;
        },
        { intervalMs: 20, what: 'the upload to be dispatched' },
      );
      const dispatchedAfterMs = Date.now() - died;
      console.info(`Dispatched ${dispatchedAfterMs} ms after the lock holder died`);
      expect(dispatchedAfterMs).toBeLessThan(3000);
    } finally {
      await holder.stop('SIGKILL');
      await probe.close();
      await service.close();
      await removeTestData(env);
    }
  });
});
