import {
  createImageBatchClient,
  ImageBatchClient,
  multipartBody,
  RequestStatusResponse,
} from '../src/client';
import { jpegPhoto, pngPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';

describe('The generated TypeScript client against a live service', () => {
  let images: FixtureServer;
  let service: TestApp;
  let client: ImageBatchClient;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    images.file('/front.jpg', await jpegPhoto(400, 300, 95, 1), 'image/jpeg');
    images.file('/side.png', await pngPhoto(200, 150, 2), 'image/png');
    service = await startTestApp(await testEnvironment({ API_KEYS: 'key-client' }));
    client = createImageBatchClient(service.baseUrl, {
      headers: { Authorization: 'Bearer key-client' },
    });
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
  });

  const csvFile = (text: string) => new Blob([text], { type: 'text/csv' });

  it('uploads a CSV, follows it to Completed and downloads the output CSV and an image', async () => {
    const front = images.url('/front.jpg');
    const side = images.url('/side.png');
    const missing = images.url('/missing.jpg');
    const csv = `S. No.,Product Name,Input Image Urls\n1,Shoes,"${front}, ${side}"\n2,Hat,${missing}\n`;

    const upload = await client.POST('/upload', {
      body: { file: csvFile(csv) },
      bodySerializer: multipartBody,
    });
    expect(upload.response.status).toBe(202);
    const requestId = upload.data?.request_id ?? '';
    expect(upload.data).toEqual({
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'Pending',
      status_url: `${service.baseUrl}/status/${requestId}`,
    });
    expect(upload.response.headers.get('Location')).toBe(upload.data?.status_url);

    const status = await waitFor(
      async (): Promise<RequestStatusResponse | undefined> => {
        const { data } = await client.GET('/status/{requestId}', {
          params: { path: { requestId }, query: { limit: 10 } },
        });
        return data && ['Completed', 'Failed'].includes(data.status) ? data : undefined;
      },
      { what: `request ${requestId} to finish` },
    );
    expect(status).toMatchObject({
      status: 'Completed',
      progress: { total: 3, processed: 3, succeeded: 2, failed: 1, pending: 0, percent: 100 },
      output_csv_url: `${service.baseUrl}/status/${requestId}/output.csv`,
      images: { page: 1, limit: 10, total: 3 },
    });

    const output = await client.GET('/status/{requestId}/output.csv', {
      params: { path: { requestId } },
      parseAs: 'text',
    });
    expect(output.response.status).toBe(200);
    const [header, shoes, hat] = (output.data ?? '').split('\r\n');
    expect(header).toBe('S. No.,Product Name,Input Image Urls,Output Image Urls');
    expect(shoes).toMatch(new RegExp(`^1,Shoes,"${front}, ${side}","http://.+/1-1\\.jpg, http`));
    expect(hat).toBe(`2,Hat,${missing},`);

    const compressed = status.images.items.find((image) => image.input_url === front);
    const fileName = compressed?.output_url?.split('/').pop() ?? '';
    const image = await client.GET('/images/{requestId}/{fileName}', {
      params: { path: { requestId, fileName } },
      parseAs: 'blob',
    });
    expect(image.response.headers.get('Content-Type')).toBe('image/jpeg');
    expect(image.data?.size).toBe(compressed?.bytes_out);
  });

  it('returns the CSV problems, with their lines, as a typed error', async () => {
    const csv = 'S. No.,Product Name,Input Image Urls\n1,,https://example.com/a.jpg\n';

    const { data, error, response } = await client.POST('/upload', {
      body: { file: csvFile(csv) },
      bodySerializer: multipartBody,
    });

    expect(response.status).toBe(400);
    expect(data).toBeUndefined();
    expect(error && 'errors' in error ? error.errors : []).toEqual([
      { line: 2, column: 'Product Name', message: 'Product name is missing' },
    ]);
  });

  it('answers 409 for the output CSV of a request still running, 404 for an unknown one and 401 without a key', async () => {
    const csv = `S. No.,Product Name,Input Image Urls\n1,Slow,${images.hang('/slow.jpg')}\n`;
    const upload = await client.POST('/upload', {
      body: { file: csvFile(csv) },
      bodySerializer: multipartBody,
    });
    const requestId = upload.data?.request_id ?? '';

    const early = await client.GET('/status/{requestId}/output.csv', {
      params: { path: { requestId } },
    });
    expect(early.response.status).toBe(409);
    expect(early.error?.message).toMatch(/is (Pending|Processing); the output CSV is ready/);

    const unknown = await client.GET('/status/{requestId}', {
      params: { path: { requestId: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(unknown.response.status).toBe(404);
    expect(unknown.error?.message).toBe('No request with id 00000000-0000-4000-8000-000000000000');

    const anonymous = await createImageBatchClient(service.baseUrl).GET('/status/{requestId}', {
      params: { path: { requestId } },
    });
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error?.message).toMatch(/^A valid API key is required/);
  });
});
