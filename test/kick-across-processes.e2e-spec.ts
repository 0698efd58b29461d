import Redis from 'ioredis';
import { uploadCsv } from './helpers/batch-client';
import { jpegPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { Env, removeTestData, ServiceProcess, testEnvironment } from './helpers/test-app';
import { sleep, waitFor } from './helpers/wait-for';

const IMAGES = 5;
/** Far longer than any wait below: only a kick can explain a prompt dispatch. */
const IDLE_POLL_MS = '600000';

/**
 * An upload is committed in the API process that answers it, while the dispatcher lock may be
 * held by a pass of any other process. The kick must still lead to a prompt dispatch, not wait
 * for a pass `DISPATCH_INTERVAL_MS` later.
 */
describe('A kick in a process that does not hold the dispatcher lock', () => {
  let images: FixtureServer;
  let env: Env;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let redis: Redis;
  let lockKey: string;
  let csv: string;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const photo = await jpegPhoto(16, 16);
    const rows: string[] = [];
    for (let index = 1; index <= IMAGES; index++) {
      rows.push(`${index},Product ${index},${images.file(`/p${index}.jpg`, photo, 'image/jpeg')}`);
    }
    csv = `S. No.,Product Name,Input Image Urls\n${rows.join('\n')}\n`;

    env = await testEnvironment({ DISPATCH_INTERVAL_MS: IDLE_POLL_MS, KICK_RETRY_MS: '50' });
    lockKey = `${env.QUEUE_PREFIX}:images:dispatcher-lock`;
    redis = new Redis(env.REDIS_URL);
    api = new ServiceProcess({ ...env, MODE: 'api' });
    worker = new ServiceProcess({ ...env, MODE: 'worker' });
    await Promise.all([api.waitForLog('Listening on'), worker.waitForLog('Worker started')]);
  });

  afterAll(async () => {
    await Promise.all([api.stop(), worker.stop()]);
    redis.disconnect();
    await images.stop();
    await removeTestData(env);
  });

  const downloads = () =>
    Array.from({ length: IMAGES }, (_, index) => images.hitsOf(`/p${index + 1}.jpg`)).reduce(
      (sum, hits) => sum + hits,
      0,
    );

  it('dispatches the upload as soon as the pass under way elsewhere ends', async () => {
    // Given a pass of another process that holds the lock (its start-up passes are over),
    await waitFor(async () => (await redis.set(lockKey, 'elsewhere:1:pass', 'NX')) === 'OK', {
      intervalMs: 20,
      what: 'the dispatcher lock to be free',
    });
    try {
      // when an upload is committed meanwhile,
      await uploadCsv(env.PUBLIC_BASE_URL, csv);
      await sleep(500);
      expect(downloads()).toBe(0);
    } finally {
      // and that pass ends,
      await redis.del(lockKey);
    }
    const ended = Date.now();

    // then the images start at once.
    await waitFor(() => downloads() > 0, {
      intervalMs: 10,
      timeoutMs: 30_000,
      what: 'a first download',
    });
    const startedAfterMs = Date.now() - ended;
    console.info(`The first image started ${startedAfterMs} ms after the other pass ended`);
    expect(startedAfterMs).toBeLessThan(3000);
    await waitFor(() => downloads() === IMAGES, {
      progress: downloads,
      what: 'every image to be downloaded',
    });
  });
});
