import Bull from 'bull';
import Papa from 'papaparse';
import sharp from 'sharp';
import request from 'supertest';
import { VariantProcessor } from '../src/processing/variant.processor';
import { VARIANTS_QUEUE } from '../src/queue/queue.constants';
import { jpegPhoto, photo } from './helpers/fixture-images';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { WebhookReceiver } from './helpers/webhook-receiver';
import { STORAGE_DRIVERS, TestStorage } from './helpers/test-storage';
import { waitFor } from './helpers/wait-for';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

interface Variant {
  format: string;
  status: string;
  url: string | null;
  bytes: number | null;
  quality: number | null;
  score: number | null;
  reason: string | null;
}

interface Item {
  input_url: string;
  status: string;
  output_url: string | null;
  bytes_out: number | null;
  score: number | null;
  variants: Variant[];
}

interface VariantCounts {
  formats: string[];
  total: number;
  processed: number;
  kept: number;
  dropped: number;
}

const HEADER = 'S. No.,Product Name,Input Image Urls\n';

/** A disc that is opaque inside and transparent outside: a cut-out product shot. */
function disc(width: number, height: number): Buffer {
  const radius = Math.min(width, height) / 2 - 4;
  return Buffer.from(
    `<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" ` +
      `r="${radius}" fill="#fff"/></svg>`,
  );
}

/** Six frames of 64×48 moving gradients: an animated GIF. */
async function animatedGif(): Promise<Buffer> {
  const [width, height, frames] = [64, 48, 6];
  const pixels = Buffer.alloc(width * height * frames * 3);
  for (let index = 0; index < pixels.length; index++)
    pixels[index] = (index * 7 + index / 997) & 0xff;
  return sharp(pixels, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif()
    .toBuffer();
}

async function download(url: string): Promise<Buffer> {
  return (await request(url).get('').buffer(true).expect(200)).body as Buffer;
}

/**
 * An upload's `variants=webp,avif` adds a WebP and an AVIF of each compressed image, next to
 * its same-format output: each encoded at the lowest quality whose score reaches that output's,
 * and kept only when it is smaller. Those not kept say why. The request finishes, and its
 * webhook is sent, once every variant is kept or dropped.
 */
describe.each(STORAGE_DRIVERS)('WebP and AVIF variants, stored on %s', (driver) => {
  let images: FixtureServer;
  let receiver: WebhookReceiver;
  let storage: TestStorage;
  let service: TestApp;
  let requestId: string;
  let items: Map<string, Item>;
  let counts: VariantCounts | null;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    receiver = await new WebhookReceiver().start();
    storage = await TestStorage.start(driver);
    const jpeg = images.file('/photo.jpg', await jpegPhoto(320, 240, 92), 'image/jpeg');
    const png = images.file(
      '/cut-out.png',
      await photo(240, 180)
        .ensureAlpha()
        .composite([{ input: disc(240, 180), blend: 'dest-in' }])
        .png()
        .toBuffer(),
      'image/png',
    );
    const gif = images.file('/spinner.gif', await animatedGif(), 'image/gif');
    // A flat swatch: its PNG is a few dozen bytes, less than an AVIF's container alone.
    const swatch = images.file(
      '/swatch.png',
      await sharp({ create: { width: 32, height: 32, channels: 3, background: '#3a7bd5' } })
        .png()
        .toBuffer(),
      'image/png',
    );
    service = await startTestApp(
      await testEnvironment({ ...storage.environment(), QUALITY_SCORE: 'true' }),
    );
    const csv =
      HEADER +
      `1,Mug,"${jpeg}, ${png}"\n` +
      `2,Spinner,${gif}\n` +
      `3,Swatch,${swatch}\n` +
      // The same photo again: it shares the first one's output and variants.
      `4,Mug again,${jpeg}\n`;
    requestId = await uploadCsv(service.baseUrl, csv, {
      variants: 'webp,avif',
      webhookUrl: receiver.url,
    });
    const finished = await waitUntilFinished(service.baseUrl, requestId);
    counts = (finished as unknown as { variants: VariantCounts | null }).variants;
    const status = await getStatus(service.baseUrl, requestId);
    items = new Map(
      (status.images.items as unknown as Item[]).map((item, index) => [
        `${index + 1}:${new URL(item.input_url).pathname}`,
        item,
      ]),
    );
  });

  afterAll(async () => {
    await service?.close();
    await images.stop();
    await receiver.stop();
    await storage.stop();
    if (service) await removeTestData(service.env);
  });

  const item = (key: string): Item => {
    const found = items.get(key);
    if (!found) throw new Error(`No image ${key} in ${[...items.keys()].join(', ')}`);
    return found;
  };
  const variant = (key: string, format: string): Variant => {
    const found = item(key).variants.find((each) => each.format === format);
    if (!found) throw new Error(`No ${format} variant of ${key}`);
    return found;
  };

  it('offers a smaller WebP and AVIF of a JPEG photo, each scoring at least as high', async () => {
    const photoItem = item('1:/photo.jpg');
    expect(photoItem.status).toBe('Completed');
    expect(photoItem.variants.map((each) => each.format)).toEqual(['webp', 'avif']);
    for (const format of ['webp', 'avif']) {
      const kept = variant('1:/photo.jpg', format);
      expect(kept).toMatchObject({ status: 'Kept', reason: null });
      expect(kept.score).toBeGreaterThanOrEqual(photoItem.score ?? 2);
      expect(kept.bytes).toBeLessThan(photoItem.bytes_out ?? 0);
      expect(kept.url).toMatch(new RegExp(`/images/${requestId}/1-1\\.${format}$`));

      const served = await download(kept.url ?? '');
      expect(served.length).toBe(kept.bytes);
      const decoded = await sharp(served).metadata();
      expect(decoded.format).toBe(format === 'avif' ? 'heif' : 'webp');
      expect(decoded.compression ?? format).toBe(format === 'avif' ? 'av1' : 'webp');
      expect([decoded.width, decoded.height]).toEqual([320, 240]);
    }
  });

  it('keeps the transparency of a PNG in its variants', async () => {
    const cutOut = item('2:/cut-out.png');
    expect(cutOut.status).toBe('Completed');
    const kept = cutOut.variants.filter((each) => each.status === 'Kept');
    expect(kept.length).toBeGreaterThan(0);
    const dropped = cutOut.variants.filter((each) => each.status === 'Dropped');
    expect(dropped.map((each) => each.reason)).toEqual(dropped.map(() => 'not-smaller'));
    for (const each of kept) {
      expect(each.score).toBeGreaterThanOrEqual(cutOut.score ?? 2);
      const decoded = await sharp(await download(each.url ?? '')).metadata();
      expect(decoded.hasAlpha).toBe(true);
    }
  });

  it('makes no variant of an animated GIF, and says so', () => {
    const spinner = item('3:/spinner.gif');
    expect(spinner.status).toBe('Completed');
    expect(spinner.variants).toEqual([
      expect.objectContaining({ format: 'webp', status: 'Dropped', reason: 'animated', url: null }),
      expect.objectContaining({ format: 'avif', status: 'Dropped', reason: 'animated', url: null }),
    ]);
  });

  it('drops a variant that is not smaller than the same-format output', () => {
    const swatch = item('4:/swatch.png');
    const avif = variant('4:/swatch.png', 'avif');
    expect(avif).toMatchObject({ status: 'Dropped', reason: 'not-smaller', url: null });
    expect(avif.bytes).toBeGreaterThanOrEqual(swatch.bytes_out ?? Infinity);
  });

  it("shows an image that shares another one's output with that one's variants", () => {
    expect(item('5:/photo.jpg').variants).toEqual(item('1:/photo.jpg').variants);
  });

  it('counts the variants in the status and the webhook', async () => {
    const all = [...items.values()].flatMap((each, index) => (index === 4 ? [] : each.variants));
    const kept = all.filter((each) => each.status === 'Kept').length;
    expect(counts).toEqual({
      formats: ['webp', 'avif'],
      total: 8,
      processed: 8,
      kept,
      dropped: 8 - kept,
    });
    await waitFor(() => receiver.received.length > 0, { what: 'the webhook' });
    const hook = receiver.received[0].json as { data: { variants: unknown } };
    expect(hook.data.variants).toEqual({ total: 8, kept, dropped: 8 - kept });
  });

  it('lists the variants in the report CSV, and leaves the output CSV as it was', async () => {
    const api = request(service.baseUrl);
    const report = await api.get(`/status/${requestId}/report.csv`).buffer(true).expect(200);
    const rows = Papa.parse<Record<string, string>>(report.text, {
      header: true,
      skipEmptyLines: true,
    }).data;
    const webp = variant('1:/photo.jpg', 'webp');
    expect(rows[0]).toMatchObject({
      'WebP Url': webp.url,
      'WebP Bytes': String(webp.bytes),
      'WebP Score': webp.score?.toFixed(4),
    });
    expect(rows[2]['Variants Dropped']).toBe('webp: animated; avif: animated');
    expect(rows[3]['Variants Dropped']).toContain('avif: not-smaller');

    const output = await api.get(`/status/${requestId}/output.csv`).buffer(true).expect(200);
    expect(output.text.split('\r\n')[0]).toBe(
      'S. No.,Product Name,Input Image Urls,Output Image Urls',
    );
    expect(output.text).not.toMatch(/\.(webp|avif)\b/);
  });

  it('stores the variants beside the outputs, keeps no source, and deletes them all', async () => {
    const stored = await storage.storedUnder(service.env, requestId);
    expect(stored).toEqual(
      expect.arrayContaining(['1-1.jpg', '1-1.webp', '1-1.avif', 'output.csv']),
    );
    expect(stored?.some((name) => name.endsWith('.source'))).toBe(false);

    await request(service.baseUrl).delete(`/requests/${requestId}`).expect(202);
    await waitFor(async () => (await storage.storedUnder(service.env, requestId)) === null, {
      what: 'the deletion of the variants',
    });
    await request(service.baseUrl).get(`/images/${requestId}/1-1.avif`).expect(404);
  });
});

/**
 * OUTPUT_VARIANTS gives every upload that names none its variants, scored against the
 * same-format output even with QUALITY_SCORE off. A variant job lost from Redis (here, never
 * consumed, then deleted) is queued again by the resync, and the request still finishes.
 */
describe('Variants by default, their jobs lost and queued again', () => {
  it('finishes the request with every variant done', async () => {
    const images = await new FixtureServer().start();
    const jpeg = images.file('/photo.jpg', await jpegPhoto(320, 240, 92), 'image/jpeg');
    const env = await testEnvironment({ OUTPUT_VARIANTS: 'webp', QUALITY_SCORE: 'false' });
    const idle = await startTestApp(env, {
      override: (builder) =>
        builder.overrideProvider(VariantProcessor).useValue({ onModuleInit: () => undefined }),
    });
    let service: TestApp | undefined;
    const probe = new Bull('probe', env.REDIS_URL, { prefix: env.QUEUE_PREFIX });
    try {
      const requestId = await uploadCsv(idle.baseUrl, `${HEADER}1,Mug,${jpeg}\n`);
      const waiting = await waitFor(
        async () => {
          const status = await getStatus(idle.baseUrl, requestId);
          return status.progress.processed === 1 && status;
        },
        { what: 'the image to be processed' },
      );
      expect(waiting.status).toBe('Processing');
      expect((waiting as unknown as { variants: VariantCounts }).variants).toMatchObject({
        formats: ['webp'],
        total: 1,
        processed: 0,
      });
      const keys = await probe.client.keys(`${env.QUEUE_PREFIX}:${VARIANTS_QUEUE}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await probe.client.del(...keys);
      await idle.close();

      service = await startTestApp(env);
      const finished = await waitUntilFinished(service.baseUrl, requestId);
      expect(finished.status).toBe('Completed');
      const [image] = (await getStatus(service.baseUrl, requestId)).images
        .items as unknown as Item[];
      expect(image.score).toBeNull();
      expect(image.variants).toEqual([
        expect.objectContaining({ format: 'webp', status: 'Kept', reason: null }),
      ]);
    } finally {
      await probe.close();
      await service?.close();
      await images.stop();
      await removeTestData(env);
    }
  });
});
