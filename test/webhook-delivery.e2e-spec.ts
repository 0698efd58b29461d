import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { jpegPhoto } from './helpers/fixture-images';
import { uploadCsv, waitUntilNothingOwed } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

describe('Webhook delivery', () => {
  let images: FixtureServer;
  let service: TestApp;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    images.file('/hat.jpg', await jpegPhoto(200, 150, 90), 'image/jpeg');
    service = await startTestApp(
      await testEnvironment({ WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_DELAYS_MS: '100,100,100' }),
    );
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  const uploadWithWebhook = (webhookUrl: string): Promise<string> =>
    uploadCsv(
      service.baseUrl,
      `S. No.,Product Name,Input Image Urls\n1,Hat,${images.url('/hat.jpg')}\n`,
      { webhookUrl },
    );

  /** The attempts recorded once the request owes nothing more: no attempt can follow them. */
  const settled = async (requestId: string) =>
    (await waitUntilNothingOwed(service.dataSource, requestId)).map(
      ({ attempt, status_code, outcome }) => ({ attempt, status_code, outcome }),
    );

  it('counts a 2xx as delivered, whatever the size of its answer', async () => {
    const receiver = await new WebhookReceiver([200], {}, 'x'.repeat(512 * 1024)).start();
    try {
      const requestId = await uploadWithWebhook(receiver.url);

      const recorded = await settled(requestId);

      expect(receiver.received).toHaveLength(1);
      expect(recorded).toEqual([{ attempt: 1, status_code: 200, outcome: 'delivered' }]);
    } finally {
      await receiver.stop();
    }
  });

  it('signs every attempt per Standard Webhooks, retries 5xx with one webhook-id and honours Retry-After', async () => {
    const receiver = await new WebhookReceiver([500, 503, 200], {
      1: { 'Retry-After': '1' },
    }).start();
    try {
      const requestId = await uploadWithWebhook(receiver.url);

      const recorded = await settled(requestId);

      expect(receiver.received.map((hook) => hook.answeredWith)).toEqual([500, 503, 200]);
      const ids = new Set(receiver.received.map((hook) => hook.headers['webhook-id']));
      expect(ids.size).toBe(1);
      const verifier = new Webhook(SECRET);
      for (const hook of receiver.received) {
        const verified = verifier.verify(hook.body, {
          'webhook-id': String(hook.headers['webhook-id']),
          'webhook-timestamp': String(hook.headers['webhook-timestamp']),
          'webhook-signature': String(hook.headers['webhook-signature']),
        });
        expect(verified).toMatchObject({ data: { request_id: requestId, status: 'Completed' } });
      }
      const [, second, third] = receiver.received;
      expect(third.receivedAt - second.receivedAt).toBeGreaterThanOrEqual(1000);
      expect(recorded).toEqual([
        { attempt: 1, status_code: 500, outcome: 'retrying' },
        { attempt: 2, status_code: 503, outcome: 'retrying' },
        { attempt: 3, status_code: 200, outcome: 'delivered' },
      ]);
    } finally {
      await receiver.stop();
    }
  });

  it('rejects a tampered body with the independent verifier', async () => {
    const receiver = await new WebhookReceiver([200]).start();
    try {
      await uploadWithWebhook(receiver.url);
      await waitFor(() => receiver.received.length >= 1, { what: 'the webhook' });

      const [hook] = receiver.received;
      expect(() =>
        new Webhook(SECRET).verify(hook.body.replace('Completed', 'Failed'), {
          'webhook-id': String(hook.headers['webhook-id']),
          'webhook-timestamp': String(hook.headers['webhook-timestamp']),
          'webhook-signature': String(hook.headers['webhook-signature']),
        }),
      ).toThrow();
    } finally {
      await receiver.stop();
    }
  });

  it.each([
    [410, 'a 4xx answer'],
    [302, 'a redirect, which is not followed'],
  ])('makes one attempt only after %s (%s)', async (status) => {
    const receiver = await new WebhookReceiver([status]).start();
    try {
      const requestId = await uploadWithWebhook(receiver.url);
      const recorded = await settled(requestId);

      expect(receiver.received).toHaveLength(1);
      expect(recorded).toEqual([{ attempt: 1, status_code: status, outcome: 'failed' }]);
    } finally {
      await receiver.stop();
    }
  });
});
