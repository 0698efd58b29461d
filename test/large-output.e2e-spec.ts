import Papa from 'papaparse';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { uploadCsv, waitUntilFinished, waitUntilNothingOwed } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { WebhookReceiver } from './helpers/webhook-receiver';

// More than two pages of output (1,000 products a page) and than WEBHOOK_MAX_PRODUCTS.
const ROWS = 2_500;

/**
 * The output of a request of thousands of products is written page by page as it is read from
 * the database, stored, and streamed back; every row keeps its place, and the webhook of a
 * request this large lists no products, only their count.
 */
describe('The output of a large request', () => {
  let images: FixtureServer;
  let receiver: WebhookReceiver;
  let service: TestApp;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    receiver = await new WebhookReceiver().start();
    service = await startTestApp(
      await testEnvironment({ IMAGE_CONCURRENCY: '16', WEBHOOK_MAX_PRODUCTS: '1000' }),
    );
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await receiver.stop();
    await removeTestData(service.env);
  });

  it('is streamed from storage in input order, and the webhook gives the product count', async () => {
    // Missing images fail at once, so that thousands of rows finish in seconds.
    const rows = Array.from(
      { length: ROWS },
      (_, index) =>
        `${index + 1},"Product ${index + 1}, size ${index % 7}",${images.url(`/gone/${index}.jpg`)}`,
    );
    const requestId = await uploadCsv(
      service.baseUrl,
      `S. No.,Product Name,Input Image Urls\n${rows.join('\n')}\n`,
      { webhookUrl: receiver.url },
    );

    const finished = await waitUntilFinished(service.baseUrl, requestId);
    expect(finished).toMatchObject({ status: 'Failed', progress: { total: ROWS, failed: ROWS } });
    expect(existsSync(join(service.env.STORAGE_DIR, requestId, 'output.csv'))).toBe(true);

    const response = await request(service.baseUrl)
      .get(`/status/${requestId}/output.csv`)
      .expect(200)
      .expect('Content-Type', /^text\/csv/);
    const parsed = Papa.parse<string[]>(response.text.trimEnd(), { newline: '\r\n' });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data[0]).toEqual([
      'S. No.',
      'Product Name',
      'Input Image Urls',
      'Output Image Urls',
    ]);
    expect(parsed.data).toHaveLength(ROWS + 1);
    parsed.data.slice(1).forEach((row, index) => {
      expect(row).toEqual([
        String(index + 1),
        `Product ${index + 1}, size ${index % 7}`,
        images.url(`/gone/${index}.jpg`),
        '',
      ]);
    });

    expect(await waitUntilNothingOwed(service.dataSource, requestId)).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'delivered' }),
    ]);
    expect(receiver.received).toHaveLength(1);
    const [webhook] = receiver.received;
    expect(webhook.json).toMatchObject({ data: { product_count: ROWS, products: [] } });
  });
});
