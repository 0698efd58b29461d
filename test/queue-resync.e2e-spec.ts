import Bull from 'bull';
import { jpegPhoto } from './helpers/fixture-images';
import request from 'supertest';
import {
  getStatus,
  uploadCsv,
  waitUntilFinished,
  waitUntilNothingOwed,
} from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { PrivateRedis } from './helpers/private-redis';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

const IMAGES = 24;
const DOWNLOAD_MS = 150;

/**
 * The database is the record of the work; Redis holds only the part queued now. When Redis
 * loses that part, the dispatcher queues it again: every image still gets exactly one outcome,
 * the request finishes and its webhook is sent once.
 */
describe('Work that Redis loses is queued again', () => {
  let images: FixtureServer;
  let receiver: WebhookReceiver;
  let csv: string;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    receiver = await new WebhookReceiver().start();
    const photo = await jpegPhoto(160, 120, 90);
    const rows: string[] = [];
    for (let index = 1; index <= IMAGES; index++) {
      // Slow enough that the queue is half done when its keys go.
      rows.push(
        `${index},Product ${index},${images.slowFile(`/p${index}.jpg`, photo, DOWNLOAD_MS)}`,
      );
    }
    csv = `S. No.,Product Name,Input Image Urls\n${rows.join('\n')}\n`;
  });

  afterAll(async () => {
    await images.stop();
    await receiver.stop();
  });

  /** Uploads the batch, lets `loseQueue` strike mid-way, and checks the batch ends whole. */
  async function expectToSurvive(service: TestApp, loseQueue: () => Promise<void>): Promise<void> {
    receiver.received.length = 0;
    const requestId = await uploadCsv(service.baseUrl, csv, { webhookUrl: receiver.url });
    await waitFor(
      async () => (await getStatus(service.baseUrl, requestId)).progress.processed >= 4,
      {
        what: 'a few images to be processed',
      },
    );

    await loseQueue();

    const finished = await waitUntilFinished(service.baseUrl, requestId);
    expect(finished.status).toBe('Completed');
    expect(finished.progress).toMatchObject({ total: IMAGES, processed: IMAGES, failed: 0 });
    const outcomes = await service.dataSource.query<{ status: string; processed_at: unknown }[]>(
      `SELECT i.status, i.processed_at FROM images i
         JOIN image_processing_requests r ON r.id = i.request_pk WHERE r.request_id = '${requestId}'`,
    );
    expect(outcomes).toHaveLength(IMAGES);
    expect(outcomes.map((image) => image.status)).toEqual(Array(IMAGES).fill('Completed'));
    const deliveries = await waitUntilNothingOwed(service.dataSource, requestId);
    expect(receiver.received).toHaveLength(1);
    expect(deliveries).toEqual([expect.objectContaining({ attempt: 1, outcome: 'delivered' })]);
  }

  it('when the queue keys are deleted mid-batch', async () => {
    const env = await testEnvironment({ IMAGE_CONCURRENCY: '2' });
    const service = await startTestApp(env);
    const probe = new Bull('probe', env.REDIS_URL, {
      prefix: env.QUEUE_PREFIX,
    });
    try {
      await expectToSurvive(service, async () => {
        const keys = await probe.client.keys(`${env.QUEUE_PREFIX}:*`);
        expect(keys.length).toBeGreaterThan(0);
        await probe.client.del(...keys);
      });
    } finally {
      await probe.close();
      await service.close();
      await removeTestData(env);
    }
  });

  it('when a Redis without persistence restarts mid-batch', async () => {
    const privateRedis = await PrivateRedis.start();
    const env = await testEnvironment({ IMAGE_CONCURRENCY: '2', REDIS_URL: privateRedis.url });
    const service = await startTestApp(env);
    try {
      await expectToSurvive(service, async () => {
        await privateRedis.stop();
        await waitFor(
          async () => (await request(service.baseUrl).get('/health/ready')).status === 503,
          { what: 'the service to see Redis gone' },
        );
        await privateRedis.resume();
      });
    } finally {
      await service.close();
      await privateRedis.stop();
      await removeTestData(env);
    }
  });
});
