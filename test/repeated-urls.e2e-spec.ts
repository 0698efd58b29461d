import request from 'supertest';
import { jpegPhoto } from './helpers/fixture-images';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

/**
 * Catalogs share images between products: a URL that appears several times in one request is
 * downloaded and compressed once, and every slot that names it gets the result.
 */
describe('The same image URL several times in one request', () => {
  let images: FixtureServer;
  let service: TestApp;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    images.file('/shared.jpg', await jpegPhoto(200, 150, 90), 'image/jpeg');
    images.file('/own.jpg', await jpegPhoto(200, 150, 88, 7), 'image/jpeg');
    service = await startTestApp(await testEnvironment({ IMAGE_CONCURRENCY: '8' }));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  it('fetches it once and gives every slot its output, saying which slots reused it', async () => {
    const shared = images.url('/shared.jpg');
    const own = images.url('/own.jpg');
    const missing = images.url('/missing.jpg');
    const csv =
      'S. No.,Product Name,Input Image Urls\n' +
      `1,Mug,"${shared}, ${own}"\n` +
      `2,Cup,"${missing}, ${shared}"\n` +
      `3,Bowl,"${shared}, ${missing}, ${shared}"\n`;

    const requestId = await uploadCsv(service.baseUrl, csv);
    const status = await waitUntilFinished(service.baseUrl, requestId);

    expect(images.hitsOf('/shared.jpg')).toBe(1);
    expect(images.hitsOf('/missing.jpg')).toBe(1);
    expect(status.progress).toMatchObject({ total: 7, processed: 7, failed: 2 });
    const slots = (await getStatus(service.baseUrl, requestId)).images.items as unknown as {
      row: number;
      position: number;
      status: string;
      output_url: string | null;
      error: string | null;
      reused_from: { row: number; position: number } | null;
    }[];
    const sharedSlots = slots.filter((slot) => slot.output_url?.endsWith('/1-1.jpg'));
    expect(sharedSlots.map((slot) => [slot.row, slot.position, slot.reused_from])).toEqual([
      [1, 1, null],
      [2, 2, { row: 1, position: 1 }],
      [3, 1, { row: 1, position: 1 }],
      [3, 3, { row: 1, position: 1 }],
    ]);
    const missingSlots = slots.filter((slot) => slot.status === 'Failed');
    expect(missingSlots.map((slot) => [slot.row, slot.position, slot.reused_from])).toEqual([
      [2, 1, null],
      [3, 2, { row: 2, position: 1 }],
    ]);
    expect(new Set(missingSlots.map((slot) => slot.error))).toEqual(
      new Set(['Download failed with HTTP 404']),
    );

    const output = await request(service.baseUrl)
      .get(`/status/${requestId}/output.csv`)
      .expect(200);
    const sharedUrl = sharedSlots[0].output_url;
    const ownUrl = slots.find((slot) => slot.row === 1 && slot.position === 2)?.output_url;
    expect(output.text.split('\r\n').slice(1, 4)).toEqual([
      `1,Mug,"${shared}, ${own}","${sharedUrl}, ${ownUrl}"`,
      `2,Cup,"${missing}, ${shared}",", ${sharedUrl}"`,
      `3,Bowl,"${shared}, ${missing}, ${shared}","${sharedUrl}, , ${sharedUrl}"`,
    ]);
  });
});
