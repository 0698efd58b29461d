import request from 'supertest';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

describe('Status pagination', () => {
  let images: FixtureServer;
  let service: TestApp;
  let requestId: string;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    service = await startTestApp(await testEnvironment());
    // Three products with 2, 1 and 2 URLs; none exists, so they fail fast.
    const url = (name: string) => images.url(`/${name}.jpg`);
    const csv =
      'S. No.,Product Name,Input Image Urls\n' +
      `1,A,"${url('a1')}, ${url('a2')}"\n2,B,${url('b1')}\n3,C,"${url('c1')}, ${url('c2')}"\n`;
    requestId = await uploadCsv(service.baseUrl, csv);
    await waitUntilFinished(service.baseUrl, requestId);
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  const page = async (query: string) => {
    const response = await request(service.baseUrl)
      .get(`/status/${requestId}?${query}`)
      .expect(200);
    return (response.body as Awaited<ReturnType<typeof getStatus>>).images;
  };

  it('returns the images in output order, one page at a time, with the total', async () => {
    const second = await page('page=2&limit=2');

    expect(second).toMatchObject({ page: 2, limit: 2, total: 5 });
    expect(second.items.map((image) => [image.row, image.position])).toEqual([
      [2, 1],
      [3, 1],
    ]);
    expect((await page('page=3&limit=2')).items.map((image) => image.input_url)).toEqual([
      images.url('/c2.jpg'),
    ]);
    expect((await page('page=4&limit=2')).items).toEqual([]);
  });

  it('defaults to the first 100 images and takes progress from the request counters', async () => {
    const status = await getStatus(service.baseUrl, requestId);

    expect(status.images).toMatchObject({ page: 1, limit: 100, total: 5 });
    expect(status.images.items).toHaveLength(5);
    expect(status.progress).toMatchObject({ total: 5, processed: 5, failed: 5 });
  });

  it.each(['page=0', 'limit=0', 'limit=1001', 'page=x'])('answers 400 for %s', async (query) => {
    await request(service.baseUrl).get(`/status/${requestId}?${query}`).expect(400);
  });
});
