import request from 'supertest';
import { PrivateRedis } from './helpers/private-redis';
import {
  removeTestData,
  ServiceProcess,
  startTestApp,
  TestApp,
  testEnvironment,
} from './helpers/test-app';
import { waitFor } from './helpers/wait-for';

interface HealthBody {
  status: 'ok' | 'error' | 'shutting_down';
  details: Record<string, { status: 'up' | 'down'; message?: string }>;
}

const readiness = async (baseUrl: string) => {
  const response = await request(baseUrl).get('/health/ready');
  return { code: response.status, body: response.body as HealthBody };
};

describe('Health checks', () => {
  it('reports a running app live, and ready with its database, Redis and storage up', async () => {
    const service = await startTestApp(await testEnvironment());
    try {
      const live = await request(service.baseUrl).get('/health/live').expect(200);
      expect(live.body).toMatchObject({ status: 'ok' });
      expect(live.headers['cache-control']).toContain('no-store');

      const ready = await readiness(service.baseUrl);
      expect(ready).toMatchObject({
        code: 200,
        body: {
          status: 'ok',
          details: {
            database: { status: 'up' },
            redis: { status: 'up' },
            storage: { status: 'up' },
          },
        },
      });
    } finally {
      await service.close();
      await removeTestData(service.env);
    }
  });

  it('turns unready while Redis is down and ready again once it is back, staying live', async () => {
    const redis = await PrivateRedis.start();
    let service: TestApp | undefined;
    try {
      service = await startTestApp(await testEnvironment({ MODE: 'api', REDIS_URL: redis.url }));
      const baseUrl = service.baseUrl;
      await waitFor(async () => (await readiness(baseUrl)).code === 200, { what: 'readiness' });

      await redis.stop();

      const down = await waitFor(
        async () => {
          const ready = await readiness(baseUrl);
          return ready.code === 503 ? ready : undefined;
        },
        { what: 'readiness to fail' },
      );
      expect(down.body).toMatchObject({
        status: 'error',
        details: {
          database: { status: 'up' },
          redis: { status: 'down', message: expect.stringContaining('Redis') },
          storage: { status: 'up' },
        },
      });
      await request(baseUrl).get('/health/live').expect(200);

      await redis.resume();

      await waitFor(async () => (await readiness(baseUrl)).code === 200, {
        what: 'readiness to recover',
      });
    } finally {
      await redis.resume().catch(() => undefined);
      await service?.close();
      await redis.stop();
      if (service) await removeTestData(service.env);
    }
  });

  it('reports the storage down when its disk has less free space than required', async () => {
    const service = await startTestApp(
      await testEnvironment({ HEALTH_MIN_FREE_DISK_MB: String(1024 ** 3) }),
    );
    try {
      const ready = await readiness(service.baseUrl);
      expect(ready.code).toBe(503);
      expect(ready.body.details.storage).toMatchObject({
        status: 'down',
        message: 'Not enough free disk space for images',
      });
      expect(ready.body.details.database).toMatchObject({ status: 'up' });
    } finally {
      await service.close();
      await removeTestData(service.env);
    }
  });

  it('serves only the health routes from a worker process', async () => {
    const env = await testEnvironment({ MODE: 'worker' });
    const worker = new ServiceProcess(env);
    try {
      const url = await worker.healthUrl();

      await request(url).get('/health/live').expect(200);
      const ready = await readiness(url);
      expect(ready).toMatchObject({ code: 200, body: { status: 'ok' } });
      await request(url).post('/upload').expect(404);
      await request(url).get('/status/00000000-0000-4000-8000-000000000000').expect(404);
    } finally {
      await worker.stop();
      await removeTestData(env);
    }
  });
});
