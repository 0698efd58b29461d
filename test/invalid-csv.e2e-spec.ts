import request from 'supertest';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { countRows } from './helpers/test-database';

interface ValidationBody {
  statusCode: number;
  message: string;
  errors: { line: number; column: string | null; message: string }[];
}

describe('Uploading an invalid CSV', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp(await testEnvironment({ CSV_MAX_ROWS: '3' }));
  });

  afterAll(async () => {
    await service.close();
    await removeTestData(service.env);
  });

  const upload = (body: Buffer | string) =>
    request(service.baseUrl)
      .post('/upload')
      .attach('file', Buffer.from(body), { filename: 'products.csv', contentType: 'text/csv' });

  const storedRows = async () => ({
    requests: await countRows(service.dataSource, 'image_processing_requests'),
    products: await countRows(service.dataSource, 'products'),
    images: await countRows(service.dataSource, 'images'),
  });

  const header = 'S. No.,Product Name,Input Image Urls\n';

  it.each<[string, Buffer | string, { line: number; column: string | null }]>([
    ['an empty file', '', { line: 1, column: null }],
    [
      'a wrong header',
      'Id,Name,Pictures\n1,Mug,http://x.example/a.jpg\n',
      { line: 1, column: null },
    ],
    [
      'a missing URL cell',
      `${header}1,Mug,http://x.example/a.jpg\n2,Cup\n`,
      { line: 3, column: 'Input Image Urls' },
    ],
    [
      'a non-http URL',
      `${header}1,Mug,ftp://x.example/a.jpg\n`,
      { line: 2, column: 'Input Image Urls' },
    ],
    [
      'an unterminated quote',
      `${header}1,Mug,http://x.example/a.jpg\n2,"Cup,http://x.example/b.jpg\n`,
      { line: 3, column: null },
    ],
    [
      'binary junk',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      { line: 3, column: null },
    ],
    [
      'more rows than allowed',
      `${header}${[1, 2, 3, 4].map((n) => `${n},P${n},http://x.example/${n}.jpg`).join('\n')}\n`,
      { line: 1, column: null },
    ],
  ])('answers 400 with line-numbered errors for %s and stores nothing', async (_, body, first) => {
    const response = await upload(body).expect(400);

    const problem = response.body as ValidationBody;
    expect(problem).toMatchObject({ statusCode: 400, message: 'The CSV file is not valid' });
    expect(problem.errors[0]).toEqual({ ...first, message: expect.any(String) });
    expect(await storedRows()).toEqual({ requests: 0, products: 0, images: 0 });
  });

  it('answers 400 when no file is sent', async () => {
    const response = await request(service.baseUrl).post('/upload').field('x', 'y').expect(400);
    expect((response.body as { message: string }).message).toContain('"file"');
  });

  it('answers 400 for a webhook_url that is not http(s)', async () => {
    const response = await upload(`${header}1,Mug,http://x.example/a.jpg\n`)
      .field('webhook_url', 'ftp://example.com/hook')
      .expect(400);
    expect(JSON.stringify(response.body)).toContain(
      'webhook_url must be an http:// or https:// URL',
    );
    expect(await storedRows()).toEqual({ requests: 0, products: 0, images: 0 });
  });
});
