import sharp from 'sharp';
import request from 'supertest';
import { ImageResult, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import {
  avifWithExifItemOverFtyp,
  gifWithTenMillionComments,
  metadataFoundIn,
  simpleWebpWithGpsAndXmp,
} from './helpers/hostile-images';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

/**
 * Far above a loaded machine's answer (1.9 s was seen at a load average of 19 on two cores),
 * far below the 15 to 24 seconds for which a walk that kept a record per block held the loop.
 */
const MAX_LIVENESS_ANSWER_MS = 5_000;

describe('Hostile image bytes', () => {
  let images: FixtureServer;
  let service: TestApp;

  const download = async (item: ImageResult): Promise<Buffer> =>
    (
      await request(item.output_url ?? '')
        .get('')
        .buffer(true)
        .expect(200)
    ).body as Buffer;

  /** Processes one image while asking /health/live again and again; the slowest answer too. */
  const processWhileProbing = async (url: string) => {
    const csv = `S. No.,Product Name,Input Image Urls\n1,Hostile,"${url}"\n`;
    const requestId = await uploadCsv(service.baseUrl, csv);
    let finished = false;
    let slowestLivenessMs = 0;
    let livenessAnswers = 0;
    const probing = (async () => {
      while (!finished) {
        const started = performance.now();
        await request(service.baseUrl).get('/health/live').expect(200);
        slowestLivenessMs = Math.max(slowestLivenessMs, performance.now() - started);
        livenessAnswers++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const status = await waitUntilFinished(service.baseUrl, requestId);
    finished = true;
    await probing;
    return { item: status.images.items[0], slowestLivenessMs, livenessAnswers };
  };

  beforeAll(async () => {
    images = await new FixtureServer().start();
    // Thirty megabytes take longer than the short download timeout of the other tests.
    service = await startTestApp(await testEnvironment({ DOWNLOAD_TIMEOUT_MS: '60000' }));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  it('stores a simple-format WebP with GPS and XMP chunks without them', async () => {
    const source = await simpleWebpWithGpsAndXmp();
    expect(metadataFoundIn(source, 'webp')).toEqual(
      expect.arrayContaining(['Exif\0\0', 'EXIF', 'XMP ', '<x:xmpmeta']),
    );
    const url = images.file('/gps.webp', source, 'image/webp');

    const { item } = await processWhileProbing(url);

    expect(item).toMatchObject({ status: 'Completed', format: 'webp' });
    const output = await download(item);
    expect(metadataFoundIn(output, 'webp')).toEqual([]);
    expect((await sharp(output).metadata()).format).toBe('webp');
  });

  it('stores an AVIF whose EXIF item points at its ftyp box as an AVIF that decodes', async () => {
    const source = await avifWithExifItemOverFtyp();
    expect((await sharp(source).metadata()).format).toBe('heif');
    const url = images.file('/exif-over-ftyp.avif', source, 'image/avif');

    const { item } = await processWhileProbing(url);

    expect(item).toMatchObject({ status: 'Completed', format: 'avif' });
    const output = await download(item);
    expect(metadataFoundIn(output, 'avif')).toEqual([]);
    expect(output.toString('latin1', 4, 8)).toBe('ftyp');
    const decoded = await sharp(output).raw().toBuffer({ resolveWithObject: true });
    expect(decoded.info).toMatchObject({ width: 512, height: 512 });
  });

  it('keeps answering /health/live while it reads a GIF of ten million comments', async () => {
    const source = await gifWithTenMillionComments();
    expect(source.length).toBeGreaterThan(30_000_000);
    const url = images.file('/comments.gif', source, 'image/gif');

    const { item, slowestLivenessMs, livenessAnswers } = await processWhileProbing(url);

    expect(item).toMatchObject({ status: 'Completed', format: 'gif', bytes_in: source.length });
    const output = await download(item);
    expect(metadataFoundIn(output, 'gif')).toEqual([]);
    expect(await sharp(output).metadata()).toMatchObject({ format: 'gif', width: 16 });
    expect(livenessAnswers).toBeGreaterThan(0);
    expect(slowestLivenessMs).toBeLessThan(MAX_LIVENESS_ANSWER_MS);
  });
});
