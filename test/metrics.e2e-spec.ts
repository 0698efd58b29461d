import request from 'supertest';
import { jpegPhoto, pngPhoto } from './helpers/fixture-images';
import { uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

/** Prometheus text format → `name{a="1",b="2"}` (labels sorted) → value. */
function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const [, name, labels = '', value] = match;
    const sorted = (labels.match(/\w+="(?:[^"\\]|\\.)*"/g) ?? []).sort().join(',');
    series.set(sorted ? `${name}{${sorted}}` : name, Number(value));
  }
  return series;
}

describe('Prometheus metrics', () => {
  let images: FixtureServer;
  let receiver: WebhookReceiver;
  let service: TestApp;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    images.file('/a.jpg', await jpegPhoto(400, 300, 92, 1), 'image/jpeg');
    images.file('/b.png', await pngPhoto(200, 150, 2), 'image/png');
    receiver = await new WebhookReceiver().start();
    service = await startTestApp(await testEnvironment());
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await receiver.stop();
    await removeTestData(service.env);
  });

  const scrape = async () => {
    const response = await request(service.baseUrl).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return parseMetrics(response.text);
  };

  it('counts jobs, images, bytes and webhook deliveries after a batch, and shows queue depths', async () => {
    const before = await scrape();
    const csv =
      'S. No.,Product Name,Input Image Urls\n' +
      `1,Mug,"${images.url('/a.jpg')}, ${images.url('/b.png')}"\n` +
      `2,Cup,${images.url('/missing.jpg')}\n`;

    const requestId = await uploadCsv(service.baseUrl, csv, { webhookUrl: receiver.url });
    const status = await waitUntilFinished(service.baseUrl, requestId);
    expect(status.status).toBe('Completed');
    await waitFor(() => receiver.received.length > 0, { what: 'the webhook' });

    const after = await waitFor(
      async () => {
        const metrics = await scrape();
        const delivered = 'image_batch_webhook_deliveries_total{outcome="delivered"}';
        return metrics.get(delivered) === 1 ? metrics : undefined;
      },
      { what: 'the webhook delivery to be counted' },
    );
    const grew = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
    const sum = (values: (number | null)[]) => values.reduce<number>((a, b) => a + (b ?? 0), 0);

    expect(grew('image_batch_jobs_total{outcome="completed",queue="images"}')).toBe(3);
    expect(grew('image_batch_jobs_total{outcome="completed",queue="webhooks"}')).toBe(1);
    expect(grew('image_batch_images_total{status="Completed"}')).toBe(2);
    expect(grew('image_batch_images_total{status="Failed"}')).toBe(1);
    expect(grew('image_batch_image_bytes_in_total')).toBe(
      sum(status.images.items.map((image) => image.bytes_in)),
    );
    expect(grew('image_batch_image_bytes_out_total')).toBe(
      sum(status.images.items.map((image) => image.bytes_out)),
    );
    expect(grew('image_batch_image_bytes_out_total')).toBeGreaterThan(0);
    expect(grew('image_batch_job_duration_seconds_count{outcome="completed",queue="images"}')).toBe(
      3,
    );
    expect(after.get('image_batch_queue_jobs{queue="images",state="waiting"}')).toBe(0);
    expect(after.get('image_batch_queue_jobs{queue="webhooks",state="active"}')).toBe(0);
    expect(after.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('is left out of the OpenAPI document', async () => {
    const docs = await request(service.baseUrl).get('/docs-json').expect(200);
    expect(Object.keys((docs.body as { paths: object }).paths)).not.toContain('/metrics');
  });
});
