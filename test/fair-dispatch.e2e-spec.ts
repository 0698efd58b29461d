import { jpegPhoto } from './helpers/fixture-images';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';

const BIG = 200;
const SMALL = 5;
const DOWNLOAD_MS = 60;

/**
 * A small upload that arrives behind a large catalog is not queued behind it: its images go to
 * the front of the queue's window, and it finishes while the catalog is still far from done.
 */
describe('Dispatching between a large and a small request', () => {
  let images: FixtureServer;
  let service: TestApp;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const photo = await jpegPhoto(64, 48, 90);
    images.slowFile('/slow.jpg', photo, DOWNLOAD_MS);
    service = await startTestApp(await testEnvironment({ IMAGE_CONCURRENCY: '2' }));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  const csvOf = (count: number, tag: string): string =>
    'S. No.,Product Name,Input Image Urls\n' +
    Array.from(
      { length: count },
      (_, index) => `${index + 1},${tag} ${index + 1},${images.url('/slow.jpg')}?${tag}-${index}`,
    ).join('\n') +
    '\n';

  it('finishes the small request long before the large one', async () => {
    const big = await uploadCsv(service.baseUrl, csvOf(BIG, 'catalog'));
    await waitFor(async () => (await getStatus(service.baseUrl, big)).progress.processed >= 10, {
      what: 'the catalog to be under way',
    });

    const small = await uploadCsv(service.baseUrl, csvOf(SMALL, 'small'));
    const smallDone = await waitUntilFinished(service.baseUrl, small);
    const bigWhenSmallDone = await getStatus(service.baseUrl, big);

    expect(smallDone.progress).toMatchObject({ total: SMALL, processed: SMALL, failed: 0 });
    expect(bigWhenSmallDone.status).toBe('Processing');
    // Queued first come first served, the small request would wait for the whole catalog.
    expect(bigWhenSmallDone.progress.processed).toBeLessThan(BIG / 2);
    const bigDone = await waitUntilFinished(service.baseUrl, big);
    expect(bigDone.progress).toMatchObject({ total: BIG, processed: BIG, failed: 0 });
  });
});
