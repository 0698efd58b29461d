import request from 'supertest';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

const REQUEST_ID = '3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a';
const CSV = 'S. No.,Product Name,Input Image Urls\n1,Mug,http://x.example/a.jpg\n';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: unknown;
  errors?: { field?: string; message: string }[];
}

/**
 * Every error answer has one shape, `statusCode`, `error`, `message` (one string, written for a
 * person) and `errors` when there are several problems, whatever part of the stack refused.
 */
describe('Error answers', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp(await testEnvironment({ MODE: 'api' }));
  });

  afterAll(async () => {
    await service.close();
    await removeTestData(service.env);
  });

  const body = (response: request.Response) => response.body as ErrorBody;

  it.each([
    ['page=abc', 'page', 'page must be a whole number of at least 1'],
    ['page=0', 'page', 'page must be a whole number of at least 1'],
    ['limit=5000', 'limit', 'limit must be a whole number from 1 to 1000'],
    ['after=-1', 'after', 'after must be a whole number of at least 0'],
  ])('answers ?%s with a message for the field', async (query, field, message) => {
    const response = await request(service.baseUrl)
      .get(`/status/${REQUEST_ID}?${query}`)
      .expect(400);

    expect(body(response)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message,
      errors: [{ field, message }],
    });
  });

  it('lists every invalid field in one answer', async () => {
    const response = await request(service.baseUrl)
      .get(`/status/${REQUEST_ID}?page=0&limit=0`)
      .expect(400);

    expect(body(response).errors?.map((error) => error.field)).toEqual(['page', 'limit']);
    expect(typeof body(response).message).toBe('string');
  });

  it.each([
    [`/status/not-a-uuid`],
    [`/status/not-a-uuid/output.csv`],
    [`/images/not-a-uuid/1-1.jpg`],
  ])('explains a malformed request id in %s', async (path) => {
    const response = await request(service.baseUrl).get(path).expect(400);

    expect(body(response)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringMatching(/^The request id must be a UUID such as /),
    });
  });

  it.each([
    ['a 300-digit row', `${'9'.repeat(300)}-1.jpg`],
    ['an image never stored', '1-1.jpg'],
    ['a name that is not an image', 'output.csv'],
  ])('answers 404 for %s', async (_, fileName) => {
    const response = await request(service.baseUrl)
      .get(`/images/${REQUEST_ID}/${fileName}`)
      .expect(404);

    expect(body(response)).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it.each([
    [
      'the CSV in another form field',
      (upload: request.Test) => upload.attach('csv', Buffer.from(CSV), 'p.csv'),
      'Send the CSV in the form field "file", not "csv"',
    ],
    [
      'no file',
      (upload: request.Test) => upload.field('webhook_url', ''),
      'Send the CSV as the multipart form field "file"',
    ],
    [
      'two files',
      (upload: request.Test) =>
        upload.attach('file', Buffer.from(CSV), 'a.csv').attach('file', Buffer.from(CSV), 'b.csv'),
      'Send one CSV file per upload',
    ],
    [
      'a body that is not a form',
      (upload: request.Test) => upload.send({ file: CSV }),
      'Send the upload as multipart/form-data, with the CSV in the field "file"',
    ],
  ])('answers an upload with %s in plain words', async (_, build, message) => {
    const response = await build(request(service.baseUrl).post('/upload')).expect(400);

    expect(body(response)).toEqual({ statusCode: 400, error: 'Bad Request', message });
  });

  it('answers 404 in the same shape for a route that does not exist', async () => {
    const response = await request(service.baseUrl).get('/nowhere').expect(404);

    expect(body(response)).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot GET /nowhere',
    });
  });
});
