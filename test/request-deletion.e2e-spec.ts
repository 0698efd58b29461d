import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { S3Storage } from '../src/storage/s3.storage';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
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
import { waitFor } from './helpers/wait-for';
import { requestPkOf, rowsOf } from './helpers/request-rows';
import { STORAGE_DRIVERS, TestStorage } from './helpers/test-storage';

const HEADER = 'S. No.,Product Name,Input Image Urls\n';

/** A CSV of `rows` products: the first `stored` are images that exist, the rest fail at once. */
function catalog(images: FixtureServer, rows: number, stored: number): string {
  const lines = Array.from({ length: rows }, (_, index) => {
    const path = index < stored ? `/photo/${index}.jpg` : `/missing/${index}.jpg`;
    return `${index + 1},Item ${index + 1},${images.url(path)}`;
  });
  return `${HEADER}${lines.join('\n')}\n`;
}

async function imageServer(): Promise<FixtureServer> {
  const photo = await jpegPhoto(64, 48, 90);
  const images = await new FixtureServer().start();
  images.otherwise((incoming, response) => {
    if (!incoming.url?.startsWith('/photo/')) {
      response.writeHead(404).end('missing');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': photo.length });
    response.end(photo);
  });
  return images;
}

describe("Removing a request's folder from a bucket", () => {
  let s3: S3Server;
  let storage: S3Storage;

  beforeAll(async () => {
    s3 = await S3Server.start();
    const { s3: bucket } = loadConfig({ ...s3.environment(), S3_KEY_PREFIX: 'batches' }).storage;
    storage = new S3Storage(bucket!);
  });

  afterAll(async () => {
    storage.onModuleDestroy();
    await s3.remove();
  });

  it('removes a folder of 1,250 objects, a DeleteObjects batch of 250 keys at a time', async () => {
    const keys = Array.from({ length: 1_250 }, (_, index) => `many/${index + 1}-1.jpg`);
    for (let start = 0; start < keys.length; start += 50) {
      await Promise.all(
        keys
          .slice(start, start + 50)
          .map((key) => storage.save(key, Buffer.from(key), 'image/jpeg')),
      );
    }
    await storage.save('other/1-1.jpg', Buffer.from('kept'), 'image/jpeg');
    const send = jest.spyOn(S3Client.prototype, 'send');

    const removed = await storage.removeFolder('many');

    const batches = send.mock.calls.flatMap(([command]) =>
      command instanceof DeleteObjectsCommand ? [command.input.Delete?.Objects?.length ?? 0] : [],
    );
    send.mockRestore();
    expect(batches).toEqual([250, 250, 250, 250, 250]);
    expect(removed.objects).toBe(1_250);
    expect(removed.bytes).toBe(keys.reduce((sum, key) => sum + key.length, 0));
    expect(await storage.open('many/1-1.jpg')).toBeNull();
    expect(await storage.open('many/1250-1.jpg')).toBeNull();
    expect(await storage.open('other/1-1.jpg')).not.toBeNull();
  });

  it('pauses between batches, and stops when told to, leaving the rest for the next pass', async () => {
    const keys = Array.from({ length: 600 }, (_, index) => `paced/${index + 1}-1.jpg`);
    for (let start = 0; start < keys.length; start += 50) {
      await Promise.all(
        keys
          .slice(start, start + 50)
          .map((key) => storage.save(key, Buffer.from(key), 'image/jpeg')),
      );
    }
    const batchTimes: number[] = [];

    const cut = await storage.removeFolder('paced', (batchMs) => {
      batchTimes.push(batchMs);
      return Promise.resolve(false);
    });

    expect(cut).toMatchObject({ objects: 250, finished: false });
    expect(batchTimes).toHaveLength(1);
    expect(batchTimes[0]).toBeGreaterThan(0);
    const rest = await storage.removeFolder('paced', () => Promise.resolve(true));
    expect(rest).toMatchObject({ objects: 350, finished: true });
    expect(await storage.open('paced/600-1.jpg')).toBeNull();
  });
});

describe('Deleting with API keys', () => {
  let images: FixtureServer;
  let service: TestApp;

  beforeAll(async () => {
    images = await imageServer();
    service = await startTestApp(await testEnvironment({ API_KEYS: 'key-alice,key-bob' }));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  it('lets only the owner cancel, retry or delete; for others the request does not exist', async () => {
    const alice = { Authorization: 'Bearer key-alice' };
    const bob = { Authorization: 'Bearer key-bob' };
    const requestId = await uploadCsv(service.baseUrl, catalog(images, 2, 1), { headers: alice });
    await waitUntilFinished(service.baseUrl, requestId, alice);
    const api = () => request(service.baseUrl);

    await api().post(`/requests/${requestId}/cancel`).set(bob).expect(404);
    await api().post(`/requests/${requestId}/retry`).set(bob).expect(404);
    await api().delete(`/requests/${requestId}`).set(bob).expect(404);
    await api().delete(`/requests/${requestId}`).expect(401);
    await getStatus(service.baseUrl, requestId, alice);

    await api().post(`/requests/${requestId}/retry`).set(alice).expect(202);
    await api().delete(`/requests/${requestId}`).set(alice).expect(202);
    await api().get(`/status/${requestId}`).set(alice).expect(404);
  });
});

describe.each(STORAGE_DRIVERS)('A deletion cut short by a crash, stored on %s', (driver) => {
  it('is finished after a restart, leaving no row and no stored file', async () => {
    const images = await imageServer();
    const storage = await TestStorage.start(driver);
    const env = await testEnvironment({
      ...storage.environment(),
      LIFECYCLE_SWEEP_INTERVAL_MS: '500',
    });
    const database = new DataSource({
      ...buildDataSourceOptions(loadConfig(env).database),
      migrationsRun: false,
    });
    let doomed: ServiceProcess | undefined = new ServiceProcess(env);
    let restarted: ServiceProcess | undefined;
    try {
      await doomed.waitForLog('Listening');
      await database.initialize();
      const requestId = await uploadCsv(env.PUBLIC_BASE_URL, catalog(images, 20_000, 20));
      await waitFor(
        async () => (await getStatus(env.PUBLIC_BASE_URL, requestId)).progress.succeeded >= 20,
        { what: 'the images that exist to be stored' },
      );
      const requestPk = await requestPkOf(database, requestId);
      const imagesOf = async () =>
        Number(
          (
            await database.query<{ count: string | number }[]>(
              `SELECT COUNT(*) AS count FROM images WHERE request_pk = ${requestPk}`,
            )
          )[0].count,
        );

      await request(env.PUBLIC_BASE_URL).delete(`/requests/${requestId}`).expect(202);
      await waitFor(async () => (await imagesOf()) < 20_000, {
        intervalMs: 10,
        what: 'the deletion to start',
      });
      doomed.kill('SIGKILL');
      doomed = undefined;
      expect(await imagesOf()).toBeGreaterThan(0);
      expect((await storage.storedUnder(env, requestId))?.length).toBeGreaterThan(0);

      restarted = new ServiceProcess(env);
      await waitFor(async () => (await rowsOf(database, requestPk)) === 0, {
        timeoutMs: 120_000,
        what: 'the deletion to be finished',
      });
      expect(await storage.storedUnder(env, requestId)).toBeNull();
    } finally {
      doomed?.kill('SIGKILL');
      await restarted?.stop();
      if (database.isInitialized) await database.destroy();
      await images.stop();
      await storage.stop();
      await removeTestData(env);
    }
  });
});
