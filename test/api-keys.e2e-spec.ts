import request from 'supertest';
import { jpegPhoto } from './helpers/fixture-images';
import { uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

describe('API keys and upload rate limit', () => {
  let images: FixtureServer;
  let service: TestApp;
  let csv: Buffer;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const hat = images.file('/hat.jpg', await jpegPhoto(120, 90, 90), 'image/jpeg');
    csv = Buffer.from(`S. No.,Product Name,Input Image Urls\n1,Hat,${hat}\n`);
    service = await startTestApp(
      await testEnvironment({ API_KEYS: 'key-alice, key-bob', UPLOAD_RATE_LIMIT: '3' }),
    );
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  const upload = () => request(service.baseUrl).post('/upload').attach('file', csv, 'hat.csv');

  it('lets only the key that uploaded a request read it, and leaves the docs open', async () => {
    await upload().expect(401).expect('WWW-Authenticate', 'Bearer');
    await upload().set('Authorization', 'Bearer wrong-key').expect(401);

    const alice = { Authorization: 'Bearer key-alice' };
    const requestId = await uploadCsv(service.baseUrl, csv, { headers: alice });
    const status = await waitUntilFinished(service.baseUrl, requestId, {
      'X-API-Key': 'key-alice',
    });
    expect(status.status).toBe('Completed');
    const imagePath = new URL(status.images.items[0].output_url ?? '').pathname;

    for (const path of [`/status/${requestId}`, `/status/${requestId}/output.csv`, imagePath]) {
      await request(service.baseUrl).get(path).set('X-API-Key', 'key-alice').expect(200);
      await request(service.baseUrl).get(path).set('Authorization', 'Bearer key-bob').expect(404);
      await request(service.baseUrl).get(path).expect(401);
    }
    await request(service.baseUrl).get('/docs-json').expect(200);
  });

  it('answers 429 once an API key has used up its uploads for the window, and only to it', async () => {
    // The limit is 3 per window and per key; the first test made one upload with Alice's key.
    for (let count = 0; count < 3; count++) {
      await upload().set('Authorization', 'Bearer key-bob').expect(202);
    }
    const response = await upload().set('Authorization', 'Bearer key-bob').expect(429);
    expect(response.headers['retry-after']).toEqual(expect.any(String));
    expect(response.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringMatching(/^Too many uploads: at most 3 every 60 s/),
    });
    await upload().set('Authorization', 'Bearer key-alice').expect(202);
  });
});
