import request from 'supertest';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { jpegPhoto } from './helpers/fixture-images';
import { requestPkOf, rowsOf } from './helpers/request-rows';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { STORAGE_DRIVERS, TestStorage } from './helpers/test-storage';
import { waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

const HEADER = 'S. No.,Product Name,Input Image Urls\n';

describe.each(STORAGE_DRIVERS)("A request's whole life, stored on %s", (driver) => {
  let storage: TestStorage;
  let images: FixtureServer;
  let receiver: WebhookReceiver;
  let service: TestApp;
  let photo: Buffer;
  /** Downloads started, over every path the image server serves. */
  let downloadsStarted = 0;
  let hostDown = false;

  beforeAll(async () => {
    photo = await jpegPhoto(64, 48, 90);
    images = await new FixtureServer().start();
    images.otherwise((incoming, response) => {
      downloadsStarted += 1;
      if (incoming.url?.startsWith('/flaky/') && hostDown) {
        response.writeHead(404).end('down');
        return;
      }
      // Slow enough that a cancellation finds images in the workers' hands and many still to do.
      setTimeout(() => {
        response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': photo.length });
        response.end(photo);
      }, 30);
    });
    receiver = await new WebhookReceiver().start();
    storage = await TestStorage.start(driver);
    service = await startTestApp(
      await testEnvironment({
        ...storage.environment(),
        IMAGE_JOB_ATTEMPTS: '1',
        LIFECYCLE_SWEEP_INTERVAL_MS: '200',
      }),
    );
  });

  afterAll(async () => {
    await service?.close();
    await images.stop();
    await receiver.stop();
    await storage.stop();
    if (service) await removeTestData(service.env);
  });

  const api = () => request(service.baseUrl);
  const csvOf = (paths: string[]) =>
    HEADER +
    paths.map((path, index) => `${index + 1},Item ${index + 1},${images.url(path)}`).join('\n');
  const webhooksOf = (requestId: string) =>
    receiver.received.filter(
      (hook) => (hook.json as { data: { request_id: string } }).data.request_id === requestId,
    );

  it('cancels a running request: no pending image is downloaded after the 202', async () => {
    const paths = Array.from({ length: 500 }, (_, index) => `/catalog/${index}.jpg`);
    const requestId = await uploadCsv(service.baseUrl, csvOf(paths), { webhookUrl: receiver.url });
    await waitFor(
      async () => (await getStatus(service.baseUrl, requestId)).progress.processed >= 10,
      {
        what: 'the first images to be processed',
      },
    );

    const cancelled = await api().post(`/requests/${requestId}/cancel`).expect(202);
    const startedBeforeAnswer = downloadsStarted;

    expect(cancelled.body).toMatchObject({
      request_id: requestId,
      cancelled_at: expect.any(String),
    });
    const finished = await waitUntilFinished(service.baseUrl, requestId);
    expect(downloadsStarted).toBe(startedBeforeAnswer);
    expect(finished.status).toBe('Cancelled');
    const { progress } = finished;
    expect(progress.processed).toBe(500);
    expect(progress.cancelled).toBeGreaterThan(0);
    expect(progress.succeeded + progress.cancelled).toBe(500);
    expect(progress.succeeded).toBeLessThanOrEqual(startedBeforeAnswer);

    const csv = await api().get(`/status/${requestId}/output.csv`).expect(200);
    const outputCells = csv.text
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',').at(-1));
    expect(outputCells.filter((cell) => cell === '')).toHaveLength(progress.cancelled);

    await waitFor(() => webhooksOf(requestId).length > 0, { what: 'the webhook' });
    const [hook] = webhooksOf(requestId);
    expect(hook.json).toMatchObject({
      type: 'image_processing.cancelled',
      data: { status: 'Cancelled', cancelled_images: progress.cancelled },
    });

    const again = await api().post(`/requests/${requestId}/cancel`).expect(202);
    expect(again.body).toMatchObject({ request_id: requestId, status: 'Cancelled' });
    expect(webhooksOf(requestId)).toHaveLength(1);
  });

  it('refuses to cancel a request that has finished', async () => {
    const requestId = await uploadCsv(service.baseUrl, csvOf(['/done/1.jpg']));
    await waitUntilFinished(service.baseUrl, requestId);

    await api().post(`/requests/${requestId}/cancel`).expect(409);
    await api().post('/requests/00000000-0000-4000-8000-000000000000/cancel').expect(404);
  });

  it('retries the images that failed while their host was down, and no other', async () => {
    const good = ['/shop/a.jpg', '/shop/b.jpg', '/shop/c.jpg'];
    const flaky = ['/flaky/a.jpg', '/flaky/b.jpg'];
    hostDown = true;
    const requestId = await uploadCsv(service.baseUrl, csvOf([...good, ...flaky]), {
      webhookUrl: receiver.url,
    });
    const first = await waitUntilFinished(service.baseUrl, requestId);
    expect(first).toMatchObject({ status: 'Completed', progress: { failed: 2, succeeded: 3 } });
    await api().post(`/requests/${requestId}/retry`).expect(202);
    await api().post(`/requests/${requestId}/retry`).expect(409);

    hostDown = false;
    const second = await waitFor(
      async () => {
        const status = await getStatus(service.baseUrl, requestId);
        return status.status === 'Completed' && status.progress.failed === 0 ? status : undefined;
      },
      { what: 'the retried request to complete' },
    );

    expect(second).toMatchObject({ retries: 1, progress: { processed: 5, succeeded: 5 } });
    for (const path of good) expect(images.hitsOf(path)).toBe(1);
    for (const path of flaky) expect(images.hitsOf(path)).toBe(2);
    const csv = await api().get(`/status/${requestId}/output.csv`).expect(200);
    expect(csv.text).not.toMatch(/,\r\n/);
    await waitFor(() => webhooksOf(requestId).length === 2, { what: 'the second webhook' });
    const [before, after] = webhooksOf(requestId);
    expect(after.headers['webhook-id']).not.toBe(before.headers['webhook-id']);
    expect(after.json).toMatchObject({ data: { failed_images: 0, retries: 1 } });
  });

  it("sends a retry's webhook even when the first one was still being delivered", async () => {
    const flaky = ['/flaky/late-a.jpg', '/flaky/late-b.jpg'];
    hostDown = true;
    const requestId = await uploadCsv(service.baseUrl, csvOf(['/shop/late.jpg', ...flaky]), {
      webhookUrl: receiver.url,
    });
    // The first webhook is received but answered late: its attempt is recorded after the retry
    // has started the request's next round.
    receiver.holdAnswersMs = 1500;
    try {
      await waitUntilFinished(service.baseUrl, requestId);
      await waitFor(() => webhooksOf(requestId).length === 1, { what: 'the first webhook' });
      await api().post(`/requests/${requestId}/retry`).expect(202);
      hostDown = false;
    } finally {
      receiver.holdAnswersMs = 0;
    }

    await waitFor(() => webhooksOf(requestId).length === 2, {
      timeoutMs: 30_000,
      what: "the retry's webhook",
    });
    const [before, after] = webhooksOf(requestId);
    expect(after.headers['webhook-id']).not.toBe(before.headers['webhook-id']);
    expect(after.json).toMatchObject({ data: { failed_images: 0, retries: 1 } });
    await waitFor(
      async () => {
        const status = (await getStatus(service.baseUrl, requestId)) as unknown as {
          webhook: { status: string; attempts: number } | null;
        };
        return status.webhook?.status === 'delivered' && status.webhook.attempts === 1;
      },
      { what: "the retry's webhook to be recorded as delivered, at its first attempt" },
    );
  });

  it('deletes a request at once for its readers, then every row and file of it', async () => {
    const requestId = await uploadCsv(service.baseUrl, csvOf(['/gone/a.jpg', '/gone/b.jpg']), {
      webhookUrl: receiver.url,
      headers: { 'Idempotency-Key': 'delete-me' },
    });
    const finished = await waitUntilFinished(service.baseUrl, requestId);
    await waitFor(() => webhooksOf(requestId).length > 0, { what: 'the webhook' });
    const imagePath = new URL(finished.images.items[0].output_url ?? '').pathname;
    await api().get(imagePath).expect(200);
    const requestPk = await requestPkOf(service.dataSource, requestId);
    expect(await storage.storedUnder(service.env, requestId)).toEqual([
      '1-1.jpg',
      '2-1.jpg',
      'output.csv',
    ]);

    await api().delete(`/requests/${requestId}`).expect(202);

    await api().get(`/status/${requestId}`).expect(404);
    await api().get(`/status/${requestId}/output.csv`).expect(404);
    await api().get(imagePath).expect(404);
    await api().delete(`/requests/${requestId}`).expect(404);
    await waitFor(async () => (await rowsOf(service.dataSource, requestPk)) === 0, {
      what: 'the rows of the request to be deleted',
    });
    expect(await storage.storedUnder(service.env, requestId)).toBeNull();
  });
});

describe.each(STORAGE_DRIVERS)('Retention, stored on %s', (driver) => {
  let storage: TestStorage;
  let images: FixtureServer;
  let service: TestApp;

  beforeAll(async () => {
    const photo = await jpegPhoto(64, 48, 90);
    images = await new FixtureServer().start();
    images.file('/a.jpg', photo, 'image/jpeg');
    storage = await TestStorage.start(driver);
    service = await startTestApp(
      await testEnvironment({
        ...storage.environment(),
        RETENTION_DAYS: String(3 / 86_400),
        LIFECYCLE_SWEEP_INTERVAL_MS: '200',
      }),
    );
  });

  afterAll(async () => {
    await service?.close();
    await images.stop();
    await storage.stop();
    if (service) await removeTestData(service.env);
  });

  it('deletes a finished request, rows and files, once it is older than RETENTION_DAYS', async () => {
    const requestId = await uploadCsv(service.baseUrl, `${HEADER}1,Mug,${images.url('/a.jpg')}\n`);
    const finished = await waitUntilFinished(service.baseUrl, requestId);
    const requestPk = await requestPkOf(service.dataSource, requestId);
    expect(finished.status).toBe('Completed');
    expect(await storage.storedUnder(service.env, requestId)).toEqual(['1-1.jpg', 'output.csv']);

    await waitFor(
      async () => (await request(service.baseUrl).get(`/status/${requestId}`)).status === 404,
      { what: 'the request to expire' },
    );
    await waitFor(async () => (await rowsOf(service.dataSource, requestPk)) === 0, {
      what: 'its rows to be deleted',
    });
    expect(await storage.storedUnder(service.env, requestId)).toBeNull();
    const metrics = await request(service.baseUrl).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^image_batch_requests_removed_total 1$/m);
    expect(metrics.text).toMatch(/^image_batch_stored_bytes_removed_total [1-9]\d*$/m);
  });
});

describe('A retried request, with the queue resynced only once a minute', () => {
  it("queues the retry's images, finalisation and webhook at once, not at the next resync", async () => {
    const photo = await jpegPhoto(64, 48, 90);
    let hostDown = true;
    const images = await new FixtureServer().start();
    images.otherwise((incoming, response) => {
      if (incoming.url?.startsWith('/flaky/') && hostDown) {
        response.writeHead(404).end('down');
        return;
      }
      response.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': photo.length });
      response.end(photo);
    });
    const receiver = await new WebhookReceiver().start();
    // Finished jobs stay in Redis under their ids: jobs of a second round must not share them.
    const service = await startTestApp(
      await testEnvironment({ IMAGE_JOB_ATTEMPTS: '1', QUEUE_RESYNC_INTERVAL_MS: '60000' }),
    );
    try {
      const csv = `${HEADER}1,Item 1,${images.url('/shop/a.jpg')},${images.url('/flaky/a.jpg')}\n`;
      const requestId = await uploadCsv(service.baseUrl, csv, { webhookUrl: receiver.url });
      await waitUntilFinished(service.baseUrl, requestId);
      await waitFor(() => receiver.received.length === 1, { what: 'the first webhook' });
      hostDown = false;

      const retried = performance.now();
      await request(service.baseUrl).post(`/requests/${requestId}/retry`).expect(202);
      await waitFor(() => receiver.received.length === 2, {
        timeoutMs: 20_000,
        what: "the retry's webhook, well before the next resync",
      });

      expect(performance.now() - retried).toBeLessThan(20_000);
      expect(receiver.received[1].json).toMatchObject({ data: { failed_images: 0, retries: 1 } });
      expect(images.hitsOf('/flaky/a.jpg')).toBe(2);
    } finally {
      await service.close();
      await images.stop();
      await receiver.stop();
      await removeTestData(service.env);
    }
  });
});
