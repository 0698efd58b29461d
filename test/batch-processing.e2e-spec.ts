import request from 'supertest';
import { jpegPhoto, pngPhoto, webpPhoto } from './helpers/fixture-images';
import {
  getStatus,
  uploadCsv,
  waitUntilFinished,
  waitUntilNothingOwed,
} from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

describe('A CSV batch from upload to webhook', () => {
  let images: FixtureServer;
  let receiver: WebhookReceiver;
  let service: TestApp;
  const inputs = new Map<string, Buffer>();

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const serve = (path: string, body: Buffer, type: string) => {
      inputs.set(images.url(path), body);
      return images.file(path, body, type);
    };
    serve('/shoes/front.jpg', await jpegPhoto(640, 480, 95, 1), 'image/jpeg');
    serve('/shoes/side.png', await pngPhoto(320, 240, 2), 'image/png');
    serve('/bag.webp', await webpPhoto(400, 300, 90, 3), 'image/webp');
    serve('/hat.jpg', await jpegPhoto(300, 300, 90, 4), 'image/jpeg');
    serve('/mug.jpg', await jpegPhoto(500, 200, 92, 5), 'image/jpeg');
    serve('/mug-back.png', await pngPhoto(200, 200, 6), 'image/png');
    images.hang('/slow.jpg');
    receiver = await new WebhookReceiver().start();
    service = await startTestApp(await testEnvironment({ DOWNLOAD_TIMEOUT_MS: '3000' }));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await receiver.stop();
    await removeTestData(service.env);
  });

  const finished = (requestId: string) => waitUntilFinished(service.baseUrl, requestId);

  it('compresses every image, reports failures, writes the output CSV and calls the webhook once', async () => {
    const url = (path: string) => images.url(path);
    const csv =
      '\uFEFFS. No.,Product Name,Input Image Urls\r\n' +
      `1,Running shoes,"${url('/shoes/front.jpg')}, ${url('/shoes/side.png')}"\r\n` +
      `2,"Bag, leather",${url('/bag.webp')}\r\n` +
      `3,Hat,"${url('/hat.jpg')}, ${url('/missing.jpg')}"\r\n` +
      `4,"Mug ""XL""","${url('/mug.jpg')},${url('/slow.jpg')}, ${url('/mug-back.png')}"\r\n` +
      `5,Socks,${url('/missing-too.png')}\r\n`;

    const upload = await request(service.baseUrl)
      .post('/upload')
      .field('webhook_url', receiver.url)
      .attach('file', Buffer.from(csv), { filename: 'products.csv', contentType: 'text/csv' })
      .expect(202);
    const requestId = (upload.body as { request_id: string }).request_id;
    expect(upload.body).toEqual({
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'Pending',
      status_url: `${service.baseUrl}/status/${requestId}`,
    });

    const status = await finished(requestId);

    expect(status.status).toBe('Completed');
    expect(status.progress).toEqual(
      expect.objectContaining({ total: 9, processed: 9, succeeded: 6, failed: 3 }),
    );
    expect(status.output_csv_url).toBe(`${service.baseUrl}/status/${requestId}/output.csv`);

    const byInput = new Map(status.images.items.map((image) => [image.input_url, image]));
    expect(byInput.get(url('/missing.jpg'))).toMatchObject({
      status: 'Failed',
      output_url: null,
      error: 'Download failed with HTTP 404',
    });
    expect(byInput.get(url('/missing-too.png'))).toMatchObject({ status: 'Failed' });
    expect(byInput.get(url('/slow.jpg'))).toMatchObject({
      status: 'Failed',
      error: expect.stringContaining('timed out'),
    });
    expect(images.hitsOf('/slow.jpg')).toBe(2);

    const outputUrl = (path: string) => byInput.get(url(path))?.output_url ?? '';
    for (const [inputUrl, original] of inputs) {
      const image = byInput.get(inputUrl);
      expect(image).toMatchObject({ status: 'Completed', bytes_in: original.length });
      const served = await request(image?.output_url ?? '')
        .get('')
        .buffer(true)
        .expect(200);
      const body = served.body as Buffer;
      expect(body.length).toBe(image?.bytes_out);
      expect(body.length).toBeLessThan(original.length);
    }

    const outputCsv = await request(service.baseUrl)
      .get(`/status/${requestId}/output.csv`)
      .expect(200)
      .expect('Content-Type', 'text/csv; charset=utf-8')
      .expect('Content-Disposition', `attachment; filename="${requestId}.csv"`);
    expect(outputCsv.text).toBe(
      'S. No.,Product Name,Input Image Urls,Output Image Urls\r\n' +
        `1,Running shoes,"${url('/shoes/front.jpg')}, ${url('/shoes/side.png')}","${outputUrl('/shoes/front.jpg')}, ${outputUrl('/shoes/side.png')}"\r\n` +
        `2,"Bag, leather",${url('/bag.webp')},${outputUrl('/bag.webp')}\r\n` +
        `3,Hat,"${url('/hat.jpg')}, ${url('/missing.jpg')}","${outputUrl('/hat.jpg')}, "\r\n` +
        `4,"Mug ""XL""","${url('/mug.jpg')},${url('/slow.jpg')}, ${url('/mug-back.png')}","${outputUrl('/mug.jpg')}, , ${outputUrl('/mug-back.png')}"\r\n` +
        `5,Socks,${url('/missing-too.png')},\r\n`,
    );

    const deliveries = await waitUntilNothingOwed(service.dataSource, requestId);
    expect(deliveries).toEqual([expect.objectContaining({ attempt: 1, outcome: 'delivered' })]);
    expect(receiver.received).toHaveLength(1);
    const [webhook] = receiver.received;
    expect(webhook.headers['content-type']).toBe('application/json');
    expect(webhook.headers['webhook-id']).toEqual(expect.any(String));
    expect(webhook.json).toMatchObject({
      type: 'image_processing.completed',
      data: {
        request_id: requestId,
        status: 'Completed',
        total_images: 9,
        processed_images: 9,
        failed_images: 3,
        output_csv_url: status.output_csv_url,
        products: [
          {
            serial_number: '1',
            product_name: 'Running shoes',
            output_image_urls: [outputUrl('/shoes/front.jpg'), outputUrl('/shoes/side.png')],
          },
          { serial_number: '2', product_name: 'Bag, leather' },
          { serial_number: '3', output_image_urls: [outputUrl('/hat.jpg'), null] },
          {
            serial_number: '4',
            product_name: 'Mug "XL"',
            output_image_urls: [outputUrl('/mug.jpg'), null, outputUrl('/mug-back.png')],
          },
          { serial_number: '5', output_image_urls: [null] },
        ],
      },
    });
  });

  it('ends Failed when every image failed, and says so in the webhook', async () => {
    const csv = `S. No.,Product Name,Input Image Urls\n1,Ghost,${images.url('/nothing.jpg')}\n`;

    const upload = await request(service.baseUrl)
      .post(`/upload/?webhook_url=${encodeURIComponent(receiver.url)}`)
      .attach('file', Buffer.from(csv), 'ghost.csv')
      .expect(202);
    const requestId = (upload.body as { request_id: string }).request_id;

    const status = await finished(requestId);
    expect(status).toMatchObject({ status: 'Failed', progress: { total: 1, failed: 1 } });
    await waitFor(() =>
      receiver.received.find(
        (hook) => (hook.json as { data: { request_id: string } }).data.request_id === requestId,
      ),
    );
  });

  it('keeps a request Completed when its webhook receiver keeps failing, recording each attempt', async () => {
    const failing = await new WebhookReceiver([500]).start();
    try {
      const csv = `S. No.,Product Name,Input Image Urls\n1,Hat,${images.url('/hat.jpg')}\n`;
      const requestId = await uploadCsv(service.baseUrl, csv, { webhookUrl: failing.url });

      await finished(requestId);
      const recorded = await waitUntilNothingOwed(service.dataSource, requestId);

      expect(failing.received).toHaveLength(3);
      expect(new Set(failing.received.map((hook) => hook.headers['webhook-id'])).size).toBe(1);
      expect((await getStatus(service.baseUrl, requestId)).status).toBe('Completed');
      const attempts = recorded.map(({ attempt, status_code, outcome }) => ({
        attempt,
        status_code,
        outcome,
      }));
      expect(attempts).toEqual([
        { attempt: 1, status_code: 500, outcome: 'retrying' },
        { attempt: 2, status_code: 500, outcome: 'retrying' },
        { attempt: 3, status_code: 500, outcome: 'failed' },
      ]);
    } finally {
      await failing.stop();
    }
  });

  it('answers 404 for an unknown request and 400 for a malformed id, with or without a trailing slash', async () => {
    await request(service.baseUrl).get('/status/00000000-0000-4000-8000-000000000000/').expect(404);
    await request(service.baseUrl).get('/status/not-a-uuid').expect(400);
    await request(service.baseUrl)
      .get('/status/00000000-0000-4000-8000-000000000000/output.csv')
      .expect(404);
  });
});
