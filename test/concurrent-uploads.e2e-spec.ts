import { jpegPhoto } from './helpers/fixture-images';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

const UPLOADS = 30;
const IMAGES_PER_UPLOAD = 40;

/**
 * The concurrency users run on 8- to 64-core machines: many uploads at once, sixteen images in
 * flight in one process, and outcomes recorded within microseconds of each other because most
 * images fail fast. Every image must get the outcome its URL calls for, and every request must
 * finish, on SQLite as on PostgreSQL.
 */
/** What each kind of URL of these uploads must end as. */
function expectedOutcome(inputUrl: string): Record<string, unknown> {
  if (inputUrl.startsWith('http://10.0.0.')) {
    return {
      status: 'Failed',
      error: expect.stringMatching(/not a public address|private|refused/i),
    };
  }
  if (inputUrl.includes('/missing-')) {
    return { status: 'Failed', error: 'Download failed with HTTP 404' };
  }
  if (inputUrl.includes('/not-an-image.jpg')) {
    return {
      status: 'Failed',
      error: expect.stringMatching(/^The content is not a JPEG, PNG, WebP, GIF or AVIF image/),
    };
  }
  return { status: 'Completed', error: null, format: 'jpeg' };
}

describe('Many uploads at once with IMAGE_CONCURRENCY=16', () => {
  let images: FixtureServer;
  let app: TestApp;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const photo = await jpegPhoto(64, 48, 90);
    images.file('/ok.jpg', photo, 'image/jpeg');
    images.route('/not-an-image.jpg', (_, response) => {
      response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end('<html>sorry</html>');
    });
    // Only the fixture server is reachable, so that a private address fails at once, in the guard.
    app = await startTestApp(
      await testEnvironment({
        IMAGE_CONCURRENCY: '16',
        ALLOW_PRIVATE_NETWORKS: 'false',
        ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
        // No image here is meant to time out, however busy the machine.
        DOWNLOAD_TIMEOUT_MS: '60000',
      }),
    );
  });

  afterAll(async () => {
    await app?.close();
    await images.stop();
    if (app) await removeTestData(app.env);
  });

  it('gives every image its expected outcome and finishes every request', async () => {
    // Per row: two addresses the SSRF guard refuses without any I/O, a missing image (404,
    // never retried), content that is not an image, and a real JPEG; every URL distinct so
    // that nothing is shared between images.
    const perRow = 5;
    const expectedFailures = (IMAGES_PER_UPLOAD / perRow) * 4;
    const csvs = Array.from({ length: UPLOADS }, (_, upload) => {
      const rows = Array.from({ length: IMAGES_PER_UPLOAD / perRow }, (_, row) => {
        const tag = `u${upload}r${row}`;
        const urls = [
          `http://10.0.0.1/${tag}.jpg`,
          `http://10.0.0.2/${tag}.jpg`,
          images.url(`/missing-${tag}.jpg`),
          `${images.url('/not-an-image.jpg')}?${tag}`,
          `${images.url('/ok.jpg')}?${tag}`,
        ];
        return `${row + 1},Product ${row + 1},"${urls.join(', ')}"`;
      });
      return `S. No.,Product Name,Input Image Urls\n${rows.join('\n')}\n`;
    });

    const requestIds = await Promise.all(csvs.map((csv) => uploadCsv(app.baseUrl, csv)));
    const finished = await Promise.all(
      requestIds.map((requestId) => waitUntilFinished(app.baseUrl, requestId)),
    );

    for (const status of finished) {
      expect(status.status).toBe('Completed');
      expect(status.progress).toMatchObject({
        total: IMAGES_PER_UPLOAD,
        processed: IMAGES_PER_UPLOAD,
        succeeded: IMAGES_PER_UPLOAD - expectedFailures,
        failed: expectedFailures,
      });
      for (const image of status.images.items) {
        expect(image).toMatchObject(expectedOutcome(image.input_url));
      }
    }
    // Counters and rows agree: no image was counted twice or left behind.
    const [{ pending }] = await app.dataSource.query<{ pending: number | string }[]>(
      "SELECT COUNT(*) AS pending FROM images WHERE status = 'Pending'",
    );
    expect(Number(pending)).toBe(0);
    expect((await getStatus(app.baseUrl, requestIds[0])).images.total).toBe(IMAGES_PER_UPLOAD);
  });
});
