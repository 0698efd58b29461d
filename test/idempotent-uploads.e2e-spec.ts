import { ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import request from 'supertest';
import { IdempotencyKey } from '../src/requests/idempotency-key.entity';
import { UploadHousekeeping } from '../src/upload/upload-housekeeping';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { countRows } from './helpers/test-database';
import { waitFor } from './helpers/wait-for';

interface Accepted {
  request_id: string;
  status: string;
  status_url: string;
}

const HEADER = 'S. No.,Product Name,Input Image Urls\n';
/** Addresses the SSRF guard refuses without any I/O: the images fail at once. */
const csvOf = (...names: string[]): Buffer =>
  Buffer.from(
    HEADER +
      names.map((name, index) => `${index + 1},${name},http://10.0.0.1/${name}.jpg`).join('\n'),
  );
const WEBHOOK = 'http://10.0.0.9/hook';
const BOUNDARY = 'idempotency-boundary';

/** A multipart upload sent by hand, so that the test decides when its file is complete. */
class SlowUpload {
  private readonly request: ClientRequest;
  readonly answer: Promise<{ status: number; body: Accepted }>;

  constructor(
    baseUrl: string,
    key: string,
    private readonly csv: Buffer,
  ) {
    this.request = httpRequest(`${baseUrl}/upload`, {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Idempotency-Key': `"${key}"`,
      },
    });
    this.answer = new Promise((resolve, reject) => {
      this.request.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString()) as Accepted,
          }),
        );
      });
      this.request.on('error', reject);
    });
    this.request.write(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="products.csv"\r\n` +
        `Content-Type: text/csv\r\n\r\n`,
    );
    this.request.write(csv.subarray(0, HEADER.length));
  }

  /** The client goes away before the file is complete. */
  abandon(): void {
    this.request.destroy();
  }

  finish(): void {
    if (this.request.writableEnded) return;
    this.request.end(
      Buffer.concat([this.csv.subarray(HEADER.length), Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]),
    );
  }
}

describe('Uploads with an Idempotency-Key', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp(
      await testEnvironment({ ALLOW_PRIVATE_NETWORKS: 'false', UPLOAD_MAX_BYTES: '4096' }),
    );
  });

  afterAll(async () => {
    await service.close();
    await removeTestData(service.env);
  });

  const upload = (key: string | null, csv: Buffer, webhookUrl?: string) => {
    const sent = request(service.baseUrl).post('/upload');
    if (key !== null) void sent.set('Idempotency-Key', key);
    if (webhookUrl) void sent.field('webhook_url', webhookUrl);
    return sent.attach('file', csv, { filename: 'products.csv', contentType: 'text/csv' });
  };

  const stored = async () => ({
    requests: await countRows(service.dataSource, 'image_processing_requests'),
    products: await countRows(service.dataSource, 'products'),
    images: await countRows(service.dataSource, 'images'),
  });

  it('answers a retry with the same key, file and webhook with the first request, creating nothing', async () => {
    const csv = csvOf('Mug', 'Cup');
    const first = await upload('"order-1"', csv, WEBHOOK).expect(202);
    const before = await stored();

    const retry = await upload('"order-1"', csv, WEBHOOK).expect(202);
    const bare = await upload('order-1', csv, WEBHOOK).expect(202);

    const original = first.body as Accepted;
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    for (const replay of [retry, bare]) {
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers.location).toBe(first.headers.location);
      expect(replay.body).toMatchObject({
        request_id: original.request_id,
        status_url: original.status_url,
      });
    }
    expect(await stored()).toEqual(before);
  });

  it('answers 422 to the same key with another file or another webhook, creating nothing', async () => {
    await upload('"order-2"', csvOf('Hat'), WEBHOOK).expect(202);
    const before = await stored();

    const otherFile = await upload('"order-2"', csvOf('Scarf'), WEBHOOK).expect(422);
    const otherWebhook = await upload('"order-2"', csvOf('Hat'), 'http://10.0.0.9/other').expect(
      422,
    );
    const noWebhook = await upload('"order-2"', csvOf('Hat')).expect(422);

    for (const answer of [otherFile, otherWebhook, noWebhook]) {
      expect(answer.body).toEqual({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: expect.stringMatching(
          /^This Idempotency-Key was used for an upload with another file/,
        ),
      });
    }
    expect(await stored()).toEqual(before);
  });

  it('answers 409 to the same key while the first upload with it is still arriving', async () => {
    const csv = csvOf('Lamp', 'Desk');
    const slow = new SlowUpload(service.baseUrl, 'order-3', csv);
    await waitFor(
      async () =>
        (await service.dataSource.getRepository(IdempotencyKey).findOneBy({ key: 'order-3' }))
          ?.holder,
      { what: 'the first upload to hold its key' },
    );

    try {
      const concurrent = await upload('"order-3"', csv).expect(409);
      expect(concurrent.body).toMatchObject({
        statusCode: 409,
        message: expect.stringMatching(
          /^An upload with this Idempotency-Key is still being received/,
        ),
      });
    } finally {
      slow.finish();
    }
    const first = await slow.answer;
    expect(first.status).toBe(202);
    const retry = await upload('"order-3"', csv).expect(202);
    expect((retry.body as Accepted).request_id).toBe(first.body.request_id);
  });

  it('frees the key of an upload whose client went away before its end', async () => {
    const keys = service.dataSource.getRepository(IdempotencyKey);
    const abandoned = new SlowUpload(service.baseUrl, 'order-9', csvOf('Mug'));
    abandoned.answer.catch(() => undefined);
    await waitFor(async () => (await keys.findOneBy({ key: 'order-9' }))?.holder, {
      what: 'the upload to hold its key',
    });

    abandoned.abandon();

    await waitFor(async () => (await keys.findOneBy({ key: 'order-9' })) === null, {
      what: 'the key to be freed',
    });
    const next = await upload('"order-9"', csvOf('Cup')).expect(202);
    expect(next.body).toMatchObject({ request_id: expect.any(String) });
  });

  it('leaves the key of a failed upload free for the next one', async () => {
    const before = await stored();
    await upload('"order-4"', Buffer.from(`${HEADER}1,Mug,ftp://x.example/a.jpg\n`)).expect(400);
    const tooLarge = await upload(
      '"order-4"',
      csvOf(...Array.from({ length: 200 }, (_, n) => `P${n}`)),
    ).expect(413);
    expect(tooLarge.body).toMatchObject({
      message: 'The file is larger than 4 KiB, the most one upload may be',
      max_bytes: 4096,
    });
    expect(await stored()).toEqual(before);

    const fixed = await upload('"order-4"', csvOf('Mug')).expect(202);
    const retry = await upload('"order-4"', csvOf('Mug')).expect(202);

    expect((retry.body as Accepted).request_id).toBe((fixed.body as Accepted).request_id);
  });

  it('lets a new upload take a key whose hold lapsed or which expired', async () => {
    const keys = service.dataSource.getRepository(IdempotencyKey);
    // What an API killed mid-upload leaves: a hold nobody renews.
    await keys.insert({
      owner: '',
      key: 'order-5',
      holder: '00000000-0000-4000-8000-000000000000',
      heldUntil: new Date(Date.now() - 1000),
      expiresAt: new Date(Date.now() + 3_600_000),
      createdAt: new Date(),
    });
    await upload('"order-5"', csvOf('Mug')).expect(202);

    const used = await upload('"order-6"', csvOf('Cup')).expect(202);
    await keys.update({ key: 'order-6' }, { expiresAt: new Date(Date.now() - 1000) });
    const reused = await upload('"order-6"', csvOf('Plate')).expect(202);

    expect((reused.body as Accepted).request_id).not.toBe((used.body as Accepted).request_id);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
  });

  it('deletes expired keys in the background', async () => {
    const keys = service.dataSource.getRepository(IdempotencyKey);
    await upload('"order-7"', csvOf('Mug')).expect(202);
    await upload('"order-8"', csvOf('Cup')).expect(202);
    await keys.update({ key: 'order-7' }, { expiresAt: new Date(Date.now() - 1000) });

    await service.app.get(UploadHousekeeping).deleteExpiredKeys();

    expect(await keys.findOneBy({ key: 'order-7' })).toBeNull();
    expect(await keys.findOneBy({ key: 'order-8' })).not.toBeNull();
  });

  it.each([
    ['too long', `"${'k'.repeat(256)}"`],
    ['not a string', '"unterminated'],
  ])('answers 400 to a key that is %s, storing nothing', async (_, key) => {
    const before = await stored();

    const answer = await upload(key, csvOf('Mug')).expect(400);

    expect(answer.body).toMatchObject({
      message: expect.stringMatching(/^Idempotency-Key must be/),
    });
    expect(await stored()).toEqual(before);
  });

  it('treats uploads without a key as new every time', async () => {
    const first = await upload(null, csvOf('Mug')).expect(202);
    const second = await upload(null, csvOf('Mug')).expect(202);

    expect((second.body as Accepted).request_id).not.toBe((first.body as Accepted).request_id);
  });
});

describe('Idempotency keys with API keys on', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp(
      await testEnvironment({ ALLOW_PRIVATE_NETWORKS: 'false', API_KEYS: 'key-alice,key-bob' }),
    );
  });

  afterAll(async () => {
    await service.close();
    await removeTestData(service.env);
  });

  const upload = (apiKey: string, csv: Buffer) =>
    request(service.baseUrl)
      .post('/upload')
      .set('X-API-Key', apiKey)
      .set('Idempotency-Key', '"shared-key"')
      .attach('file', csv, { filename: 'products.csv', contentType: 'text/csv' })
      .expect(202);

  it('keeps the same key of two API keys apart', async () => {
    const alice = (await upload('key-alice', csvOf('Mug'))).body as Accepted;
    const bob = (await upload('key-bob', csvOf('Hat'))).body as Accepted;

    expect(bob.request_id).not.toBe(alice.request_id);
    expect(((await upload('key-alice', csvOf('Mug'))).body as Accepted).request_id).toBe(
      alice.request_id,
    );
    expect(((await upload('key-bob', csvOf('Hat'))).body as Accepted).request_id).toBe(
      bob.request_id,
    );
    expect(await countRows(service.dataSource, 'image_processing_requests')).toBe(2);
  });
});
