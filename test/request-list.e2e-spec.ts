import request from 'supertest';
import { uploadCsv } from './helpers/batch-client';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

interface ListBody {
  items: { request_id: string; status: string; status_url: string; progress: { total: number } }[];
  limit: number;
  next: string | null;
}

// Nothing consumes the queues (MODE=api), so the requests stay unfinished and no image is fetched.
const csv = (products: number) =>
  'S. No.,Product Name,Input Image Urls\n' +
  Array.from(
    { length: products },
    (_, index) => `${index + 1},P${index + 1},http://127.0.0.1:9/p${index}.jpg`,
  ).join('\n');

const list = async (service: TestApp, path: string, headers: Record<string, string> = {}) =>
  (await request(service.baseUrl).get(path).set(headers).expect(200)).body as ListBody;

describe('Recent requests (GET /requests) with API keys', () => {
  const alice = { 'X-API-Key': 'key-alice' };
  const bob = { Authorization: 'Bearer key-bob' };
  let service: TestApp;
  let aliceIds: string[];
  let bobId: string;

  beforeAll(async () => {
    service = await startTestApp(
      await testEnvironment({ MODE: 'api', API_KEYS: 'key-alice,key-bob' }),
    );
    aliceIds = [];
    for (const products of [1, 2, 3]) {
      aliceIds.push(await uploadCsv(service.baseUrl, csv(products), { headers: alice }));
    }
    bobId = await uploadCsv(service.baseUrl, csv(1), { headers: bob });
  });

  afterAll(async () => {
    await service.close();
    await removeTestData(service.env);
  });

  it("lists only the caller's requests, newest first, as summaries", async () => {
    const page = await list(service, '/requests', alice);

    expect(page.items.map((item) => item.request_id)).toEqual([...aliceIds].reverse());
    expect(page.items[0]).toMatchObject({
      status: expect.stringMatching(/^(Pending|Processing)$/),
      progress: { total: 3 },
      status_url: `${service.baseUrl}/status/${aliceIds[2]}`,
    });
    expect(page.items[0]).not.toHaveProperty('images');
    expect(page).toMatchObject({ limit: 20, next: null });
    expect((await list(service, '/requests', bob)).items.map((item) => item.request_id)).toEqual([
      bobId,
    ]);
  });

  it('pages with `next` until the oldest request', async () => {
    const first = await list(service, '/requests?limit=2', alice);
    expect(first.items.map((item) => item.request_id)).toEqual([aliceIds[2], aliceIds[1]]);
    expect(first.next).toBe(`${service.baseUrl}/requests?before=${aliceIds[1]}&limit=2`);

    const next = new URL(first.next ?? '');
    const second = await list(service, next.pathname + next.search, alice);
    expect(second.items.map((item) => item.request_id)).toEqual([aliceIds[0]]);
    expect(second.next).toBeNull();
  });

  it("needs a key, and takes no other key's request as a cursor", async () => {
    await request(service.baseUrl).get('/requests').expect(401);
    const foreign = await request(service.baseUrl)
      .get(`/requests?before=${bobId}`)
      .set(alice)
      .expect(400);
    expect(foreign.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'before must be the request_id of a request in this list',
      errors: [
        { field: 'before', message: 'before must be the request_id of a request in this list' },
      ],
    });
    for (const query of ['limit=0', 'limit=101', 'before=nope']) {
      await request(service.baseUrl).get(`/requests?${query}`).set(alice).expect(400);
    }
  });
});

describe('Recent requests (GET /requests) without API keys', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp(await testEnvironment({ MODE: 'api' }));
  });

  afterAll(async () => {
    await service.close();
    await removeTestData(service.env);
  });

  it('lists every request', async () => {
    const first = await uploadCsv(service.baseUrl, csv(1));
    const second = await uploadCsv(service.baseUrl, csv(1));

    const page = await list(service, '/requests');

    expect(page.items.map((item) => item.request_id)).toEqual([second, first]);
  });
});
