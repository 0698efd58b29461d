import { existsSync } from 'node:fs';
import request from 'supertest';
import type { WebhookPayload } from '../src/webhook/webhook-payload';
import { Headers, StatusBody, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { jpegPhoto, pngPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { S3Server } from './helpers/s3-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

const ALICE: Headers = { Authorization: 'Bearer key-alice' };
const BOB: Headers = { Authorization: 'Bearer key-bob' };

interface FinishedBatch {
  requestId: string;
  status: StatusBody;
  webhook: WebhookPayload;
  outputUrls: string[];
}

describe('Images and output CSVs delivered from an S3 bucket', () => {
  let s3: S3Server;
  let images: FixtureServer;
  let csv: string;
  const services: TestApp[] = [];
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    s3 = await S3Server.start();
    images = await new FixtureServer().start();
    const hat = images.file('/hat.jpg', await jpegPhoto(160, 120, 92), 'image/jpeg');
    const scarf = images.file('/scarf.png', await pngPhoto(90, 60), 'image/png');
    csv = `S. No.,Product Name,Input Image Urls\n1,Hat,"${hat}, ${scarf}"\n`;
  });

  afterAll(async () => {
    for (const service of services) await service.close();
    for (const receiver of receivers) await receiver.stop();
    await images.stop();
    await s3.remove();
    for (const service of services) await removeTestData(service.env);
  });

  async function startService(settings: Record<string, string>): Promise<TestApp> {
    const service = await startTestApp(
      await testEnvironment({ ...s3.environment(), API_KEYS: 'key-alice,key-bob', ...settings }),
    );
    services.push(service);
    return service;
  }

  /** Uploads the CSV with Alice's key and waits for its end and its webhook. */
  async function processBatch(service: TestApp): Promise<FinishedBatch> {
    const receiver = await new WebhookReceiver().start();
    receivers.push(receiver);
    const requestId = await uploadCsv(service.baseUrl, csv, {
      webhookUrl: receiver.url,
      headers: ALICE,
    });
    const status = await waitUntilFinished(service.baseUrl, requestId, ALICE);
    await waitFor(() => receiver.received.length > 0, { what: 'the webhook' });
    const outputUrls = status.images.items.map((item) => item.output_url ?? '');
    expect(status.progress).toMatchObject({ total: 2, succeeded: 2 });
    return { requestId, status, webhook: receiver.received[0].json as WebhookPayload, outputUrls };
  }

  const bucketObject = async (objectKey: string): Promise<Buffer> => {
    const response = await fetch(s3.objectUrl(objectKey));
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  const download = async (url: string) => {
    const response = await fetch(url, { redirect: 'manual' });
    return { response, body: Buffer.from(await response.arrayBuffer()) };
  };

  it('streams images and the output CSV from the bucket through the API (proxy)', async () => {
    const service = await startService({ IMAGE_DELIVERY: 'proxy', S3_KEY_PREFIX: 'proxied' });

    const { requestId, status, webhook, outputUrls } = await processBatch(service);

    const imagesBase = `${service.baseUrl}/images/${requestId}`;
    expect(outputUrls).toEqual([`${imagesBase}/1-1.jpg`, `${imagesBase}/1-2.png`]);
    for (const [url, contentType] of [
      [outputUrls[0], 'image/jpeg'],
      [outputUrls[1], 'image/png'],
    ]) {
      const path = new URL(url).pathname;
      const image = await request(service.baseUrl).get(path).set(ALICE).expect(200);
      expect(image.headers['content-type']).toBe(contentType);
      expect(image.body).toEqual(await bucketObject(`proxied${path.slice('/images'.length)}`));
      await request(service.baseUrl).get(path).set(BOB).expect(404);
      await request(service.baseUrl).get(path).expect(401);
    }
    const csvPath = `/status/${requestId}/output.csv`;
    expect(status.output_csv_url).toBe(service.baseUrl + csvPath);
    expect(webhook.data.output_csv_url).toBe(service.baseUrl + csvPath);
    const output = await request(service.baseUrl).get(csvPath).set(ALICE).expect(200);
    expect(output.text).toBe((await bucketObject(`proxied/${requestId}/output.csv`)).toString());
    expect(output.text).toContain(`"${outputUrls.join(', ')}"`);
    await request(service.baseUrl).get(csvPath).set(BOB).expect(404);
    expect(existsSync(service.env.STORAGE_DIR)).toBe(false);
  });

  it('redirects downloads to presigned bucket URLs, for the key that uploaded them only (redirect)', async () => {
    const service = await startService({
      IMAGE_DELIVERY: 'redirect',
      IMAGE_URL_TTL_SECONDS: '120',
      S3_KEY_PREFIX: 'redirected',
    });

    const { requestId, status, outputUrls } = await processBatch(service);

    const imagePath = `/images/${requestId}/1-1.jpg`;
    expect(outputUrls[0]).toBe(service.baseUrl + imagePath);
    const redirect = await request(service.baseUrl).get(imagePath).set(ALICE).expect(302);
    const location = redirect.headers.location;
    expect(location.startsWith(`${s3.objectUrl(`redirected/${requestId}/1-1.jpg`)}?`)).toBe(true);
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('120');
    const image = await download(location);
    expect(image.response.status).toBe(200);
    expect(image.response.headers.get('content-type')).toBe('image/jpeg');
    expect(image.response.headers.get('content-disposition')).toBe('inline; filename="1-1.jpg"');
    expect(image.body).toEqual(await bucketObject(`redirected/${requestId}/1-1.jpg`));
    await request(service.baseUrl).get(imagePath).set(BOB).expect(404);
    await request(service.baseUrl).get(imagePath).expect(401);
    await request(service.baseUrl).get(`/images/${requestId}/9-1.jpg`).set(ALICE).expect(404);

    const csvPath = `/status/${requestId}/output.csv`;
    expect(status.output_csv_url).toBe(service.baseUrl + csvPath);
    const csvRedirect = await request(service.baseUrl).get(csvPath).set(ALICE).expect(302);
    const output = await download(csvRedirect.headers.location);
    expect(output.response.status).toBe(200);
    expect(output.response.headers.get('content-disposition')).toBe(
      `attachment; filename="${requestId}.csv"`,
    );
    expect(output.body.toString()).toContain(`"${outputUrls.join(', ')}"`);
    await request(service.baseUrl).get(csvPath).set(BOB).expect(404);
  });

  it('hands out the public URLs of the stored objects in the status, CSV and webhook (public)', async () => {
    const publicBase = `${s3.endpoint}/${s3.bucket}`;
    const service = await startService({
      IMAGE_DELIVERY: 'public',
      IMAGE_PUBLIC_BASE_URL: publicBase,
      S3_KEY_PREFIX: 'published',
    });

    const { requestId, status, webhook, outputUrls } = await processBatch(service);

    const objectsBase = `${publicBase}/published/${requestId}`;
    expect(outputUrls).toEqual([`${objectsBase}/1-1.jpg`, `${objectsBase}/1-2.png`]);
    const jpeg = await download(outputUrls[0]);
    expect(jpeg.response.headers.get('content-type')).toBe('image/jpeg');
    expect(jpeg.body.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const png = await download(outputUrls[1]);
    expect(png.response.headers.get('content-type')).toBe('image/png');
    expect(png.body.subarray(1, 4).toString()).toBe('PNG');

    expect(status.output_csv_url).toBe(`${objectsBase}/output.csv`);
    expect(webhook.data.output_csv_url).toBe(`${objectsBase}/output.csv`);
    expect(webhook.data.products[0].output_image_urls).toEqual(outputUrls);
    const output = await download(`${objectsBase}/output.csv`);
    expect(output.response.status).toBe(200);
    expect(output.body.toString()).toContain(`"${outputUrls.join(', ')}"`);
  });
});
