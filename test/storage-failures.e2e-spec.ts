import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { jpegPhoto } from './helpers/fixture-images';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';

/**
 * Storage that cannot be written for a while (a full disk, a bucket out of reach) is not the
 * image's fault: the image is tried again, the status shows the attempts and the last error
 * meanwhile, and it completes once storage is back.
 */
describe('A storage write that fails', () => {
  it('is retried, shown while it waits, and completes once storage is back', async () => {
    const images = await new FixtureServer().start();
    const url = images.file('/hat.jpg', await jpegPhoto(160, 120, 90), 'image/jpeg');
    const env = await testEnvironment({ IMAGE_JOB_ATTEMPTS: '20', IMAGE_JOB_BACKOFF_MS: '200' });
    // A file where the storage folder should be: every write under it fails.
    mkdirSync(dirname(env.STORAGE_DIR), { recursive: true });
    writeFileSync(env.STORAGE_DIR, 'not a folder');
    const service = await startTestApp(env);
    try {
      const requestId = await uploadCsv(
        service.baseUrl,
        `S. No.,Product Name,Input Image Urls\n1,Hat,${url}\n`,
      );

      const waiting = await waitFor(
        async () => {
          const [image] = (await getStatus(service.baseUrl, requestId)).images.items;
          return image.error ? image : undefined;
        },
        { what: 'the failed attempt to show' },
      );
      expect(waiting).toMatchObject({
        status: 'Pending',
        error: expect.stringMatching(/^Storing the image failed: /),
      });
      expect((waiting as unknown as { attempts: number }).attempts).toBeGreaterThanOrEqual(1);

      rmSync(env.STORAGE_DIR);
      mkdirSync(env.STORAGE_DIR);
      const finished = await waitUntilFinished(service.baseUrl, requestId);
      expect(finished.status).toBe('Completed');
      const [image] = finished.images.items;
      expect(image).toMatchObject({ status: 'Completed', error: null });
      expect((image as unknown as { attempts: number }).attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await service.close();
      await images.stop();
      await removeTestData(env);
    }
  });
});
