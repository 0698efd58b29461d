import request from 'supertest';
import { DataSource } from 'typeorm';
import { SourceRecord } from '../src/requests/source-record.entity';
import { ImageStorage } from '../src/storage/image-storage';
import { getStatus, Headers, waitUntilFinished } from './helpers/batch-client';
import { jpegPhoto, pngPhoto } from './helpers/fixture-images';
import { S3Server } from './helpers/s3-server';
import { Env, removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { ValidatingImageServer } from './helpers/validating-image-server';
import { waitFor } from './helpers/wait-for';

interface ReusedImage {
  status: string;
  output_url: string | null;
  bytes_out: number | null;
  reuse: { reason: string; request_id: string } | null;
}

interface Run {
  requestId: string;
  reused: number;
  images: ReusedImage[];
}

const alice: Headers = { Authorization: 'Bearer key-alice' };
const bob: Headers = { Authorization: 'Bearer key-bob' };

const csvOf = (...urls: string[]): string =>
  'S. No.,Product Name,Input Image Urls\n' +
  urls.map((url, index) => `${index + 1},SKU${index + 1},${url}\n`).join('');

const jpeg = async (seed: number) => ({
  body: await jpegPhoto(160, 120, 90, seed),
  contentType: 'image/jpeg',
  validators: true,
});

/** The storage key behind an output URL: `/images/<request id>/<file>`. */
const keyOf = (outputUrl: string): string =>
  new URL(outputUrl).pathname.split('/').slice(-2).join('/');

/**
 * A catalog uploaded again costs only what changed: a known URL is revalidated, and answered
 * `304` its earlier result is copied; new bytes that hash to a stored result's are not encoded
 * either. Everything is per API key, and a copy outlives the request it was copied from.
 */
describe.each([
  ['local disk', false],
  ['S3', true],
])('Reusing the results of earlier requests, images on %s', (_, onS3) => {
  let origin: ValidatingImageServer;
  let s3: S3Server | undefined;
  let env: Env;
  let service: TestApp;

  beforeAll(async () => {
    origin = await new ValidatingImageServer().start();
    s3 = onS3 ? await S3Server.start() : undefined;
    env = await testEnvironment({ API_KEYS: 'key-alice,key-bob', ...s3?.environment() });
    service = await startTestApp(env);
  });

  afterAll(async () => {
    await service.close();
    await origin.stop();
    await removeTestData(env);
    await s3?.remove();
  });

  async function run(csv: string, key: Headers, refresh?: string): Promise<Run> {
    const upload = request(service.baseUrl).post('/upload').set(key);
    if (refresh !== undefined) void upload.field('refresh', refresh);
    const accepted = await upload
      .attach('file', Buffer.from(csv), { filename: 'catalog.csv', contentType: 'text/csv' })
      .expect(202);
    const requestId = (accepted.body as { request_id: string }).request_id;
    await waitUntilFinished(service.baseUrl, requestId, key);
    const status = (await getStatus(service.baseUrl, requestId, key)) as unknown as {
      progress: { succeeded: number; reused: number };
      images: { items: ReusedImage[] };
    };
    expect(status.progress.succeeded).toBe(status.images.items.length);
    return { requestId, reused: status.progress.reused, images: status.images.items };
  }

  async function download(image: ReusedImage, key: Headers): Promise<Buffer> {
    const response = await fetch(image.output_url!, { headers: key });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  async function deleteRequest(earlier: Run, key: Headers): Promise<void> {
    await request(service.baseUrl).delete(`/requests/${earlier.requestId}`).set(key).expect(202);
    const storage = service.app.get(ImageStorage);
    await waitFor(
      async () => {
        const objects = await Promise.all(
          earlier.images.map((image) => storage.open(keyOf(image.output_url!))),
        );
        objects.forEach((object) => object?.stream.destroy());
        return objects.every((object) => object === null);
      },
      { what: `the objects of request ${earlier.requestId} to be removed` },
    );
    await waitFor(async () => (await sourcesRememberedFrom(earlier)) === 0, {
      what: `the sources remembered from request ${earlier.requestId} to be forgotten`,
    });
  }

  function sourcesRememberedFrom(earlier: Run): Promise<number> {
    return service.app
      .get(DataSource)
      .getRepository(SourceRecord)
      .countBy({ requestId: earlier.requestId });
  }

  it('copies the results of a catalog whose URLs answer 304, downloading no body', async () => {
    const photo = origin.set('/not-modified/photo.jpg', await jpeg(11));
    const cutOut = origin.set('/not-modified/cut-out.png', {
      body: await pngPhoto(120, 90, 12),
      contentType: 'image/png',
      validators: true,
    });
    const first = await run(csvOf(photo, cutOut), alice);
    const bytesAfterFirst = origin.bodyBytes();

    const second = await run(csvOf(photo, cutOut), alice);

    expect(first.reused).toBe(0);
    expect(first.images.map((image) => image.reuse)).toEqual([null, null]);
    expect(second.reused).toBe(2);
    expect(second.images.map((image) => image.reuse)).toEqual([
      { reason: 'not-modified', request_id: first.requestId },
      { reason: 'not-modified', request_id: first.requestId },
    ]);
    expect(origin.bodyBytes()).toBe(bytesAfterFirst);
    const revalidations = origin.requestsFor('/not-modified/photo.jpg');
    expect(origin.answersFor('/not-modified/photo.jpg')).toEqual(['GET 200', 'HEAD 304']);
    expect(revalidations[1].ifNoneMatch).toMatch(/^"[0-9a-f]{16}"$/);
    for (const [index, image] of second.images.entries()) {
      expect(keyOf(image.output_url!).startsWith(`${second.requestId}/`)).toBe(true);
      expect(await download(image, alice)).toEqual(await download(first.images[index], alice));
      expect(image.bytes_out).toBe(first.images[index].bytes_out);
    }
  });

  it('copies the result of bytes already stored, whatever their URL, when there are no validators', async () => {
    const body = (await jpeg(21)).body;
    const original = origin.set('/same-bytes/original.jpg', {
      body,
      contentType: 'image/jpeg',
      validators: false,
    });
    const mirror = origin.set('/same-bytes/mirror.jpg', {
      body,
      contentType: 'image/jpeg',
      validators: false,
    });
    const first = await run(csvOf(original), alice);

    const fromMirror = await run(csvOf(mirror), alice);
    const again = await run(csvOf(original), alice);

    expect(fromMirror.images[0].reuse).toEqual({
      reason: 'same-bytes',
      request_id: first.requestId,
    });
    expect(again.images[0].reuse?.reason).toBe('same-bytes');
    expect(origin.answersFor('/same-bytes/original.jpg')).toEqual(['GET 200', 'GET 200']);
    expect(origin.requestsFor('/same-bytes/mirror.jpg')[0].ifNoneMatch).toBeUndefined();
    expect(await download(fromMirror.images[0], alice)).toEqual(
      await download(first.images[0], alice),
    );
  });

  it('encodes again an image whose bytes and ETag changed, and reuses the new result after', async () => {
    const url = origin.set('/changed/photo.jpg', await jpeg(31));
    const first = await run(csvOf(url), alice);
    origin.set('/changed/photo.jpg', await jpeg(32));

    const changed = await run(csvOf(url), alice);
    const unchanged = await run(csvOf(url), alice);

    expect(changed.images[0].reuse).toBeNull();
    expect(changed.reused).toBe(0);
    const served = origin.requestsFor('/changed/photo.jpg');
    // The revalidation asks without a body; the download that follows fetches the new bytes.
    expect(origin.answersFor('/changed/photo.jpg')).toEqual([
      'GET 200',
      'HEAD 200',
      'GET 200',
      'HEAD 304',
    ]);
    expect(served[1].ifNoneMatch).toMatch(/^"[0-9a-f]{16}"$/);
    expect(served[3].ifNoneMatch).toMatch(/^"[0-9a-f]{16}"$/);
    expect(served[3].ifNoneMatch).not.toBe(served[1].ifNoneMatch);
    expect(await download(changed.images[0], alice)).not.toEqual(
      await download(first.images[0], alice),
    );
    expect(unchanged.images[0].reuse).toEqual({
      reason: 'not-modified',
      request_id: changed.requestId,
    });
  });

  it('reads again a source served without validators, and encodes it when its bytes changed', async () => {
    const served = async (seed: number) => ({
      body: (await jpeg(seed)).body,
      contentType: 'image/jpeg',
      validators: false,
    });
    const url = origin.set('/changed-unvalidated/photo.jpg', await served(33));
    const first = await run(csvOf(url), alice);
    origin.set('/changed-unvalidated/photo.jpg', await served(34));

    const changed = await run(csvOf(url), alice);
    const unchanged = await run(csvOf(url), alice);

    expect(changed.images[0].reuse).toBeNull();
    // The batch of known sources reads the body and finds other bytes; the image's own job
    // downloads them again to encode them. Read again unchanged, the new result is reused.
    expect(origin.answersFor('/changed-unvalidated/photo.jpg')).toEqual([
      'GET 200',
      'GET 200',
      'GET 200',
      'GET 200',
    ]);
    expect(await download(changed.images[0], alice)).not.toEqual(
      await download(first.images[0], alice),
    );
    expect(unchanged.images[0].reuse).toEqual({
      reason: 'same-bytes',
      request_id: changed.requestId,
    });
  });

  it('reads the body again when the origin stops sending validators, and reuses the same bytes', async () => {
    const { body } = await jpeg(35);
    const url = origin.set('/validators-dropped/photo.jpg', {
      body,
      contentType: 'image/jpeg',
      validators: true,
    });
    const first = await run(csvOf(url), alice);
    origin.set('/validators-dropped/photo.jpg', {
      body,
      contentType: 'image/jpeg',
      validators: false,
    });

    const again = await run(csvOf(url), alice);

    expect(again.images[0].reuse).toEqual({ reason: 'same-bytes', request_id: first.requestId });
    expect(origin.answersFor('/validators-dropped/photo.jpg')).toEqual([
      'GET 200',
      'HEAD 200',
      'GET 200',
    ]);
    // Asked for whole: the HEAD said the validators it would send are gone.
    expect(origin.requestsFor('/validators-dropped/photo.jpg')[2].ifNoneMatch).toBeUndefined();
  });

  it('reads a few bodies at a time when a batch of sources has no validators', async () => {
    const urls = await Promise.all(
      Array.from({ length: 12 }, async (_, index) =>
        origin.set(`/many-unvalidated/${index}.jpg`, {
          body: (await jpeg(100 + index)).body,
          contentType: 'image/jpeg',
          validators: false,
        }),
      ),
    );
    const first = await run(csvOf(...urls), alice);
    origin.bodyDelayMs = 100;
    origin.mostBodiesAtOnce = 0;
    try {
      const again = await run(csvOf(...urls), alice);

      expect(again.images.map((image) => image.reuse)).toEqual(
        urls.map(() => ({ reason: 'same-bytes', request_id: first.requestId })),
      );
      // Read whole before they are hashed, so bounded: a body may be as large as the download
      // limit. The batch still reads several at once.
      expect(origin.mostBodiesAtOnce).toBeLessThanOrEqual(4);
      expect(origin.mostBodiesAtOnce).toBeGreaterThan(1);
    } finally {
      origin.bodyDelayMs = 0;
    }
  });

  it('never serves a result encoded with another recipe', async () => {
    const url = origin.set('/recipe/photo.jpg', await jpeg(41));
    await run(csvOf(url), alice);
    await service.close();
    service = await startTestApp({ ...env, COMPRESSION_PROFILE: 'fastest' });
    try {
      const otherProfile = await run(csvOf(url), alice);

      expect(otherProfile.images[0].reuse).toBeNull();
      const served = origin.requestsFor('/recipe/photo.jpg');
      expect(origin.answersFor('/recipe/photo.jpg')).toEqual(['GET 200', 'GET 200']);
      expect(served[1].ifNoneMatch).toBeUndefined();
    } finally {
      await service.close();
      service = await startTestApp(env);
    }
  });

  it('reuses nothing, and asks nothing conditional, with REUSE_RESULTS=false', async () => {
    const url = origin.set('/switched-off/photo.jpg', await jpeg(45));
    await run(csvOf(url), alice);
    await service.close();
    service = await startTestApp({ ...env, REUSE_RESULTS: 'false' });
    try {
      const again = await run(csvOf(url), alice);

      expect(again.reused).toBe(0);
      expect(again.images[0].reuse).toBeNull();
      expect(origin.answersFor('/switched-off/photo.jpg')).toEqual(['GET 200', 'GET 200']);
      expect(origin.requestsFor('/switched-off/photo.jpg')[1].ifNoneMatch).toBeUndefined();
    } finally {
      await service.close();
      service = await startTestApp(env);
    }
  });

  it('processes every image afresh with refresh=true, and reuses that fresh result later', async () => {
    const url = origin.set('/refresh/photo.jpg', await jpeg(51));
    await run(csvOf(url), alice);

    const refreshed = await run(csvOf(url), alice, 'true');
    const later = await run(csvOf(url), alice, 'false');

    expect(refreshed.images[0].reuse).toBeNull();
    const served = origin.requestsFor('/refresh/photo.jpg');
    expect(origin.answersFor('/refresh/photo.jpg')).toEqual(['GET 200', 'GET 200', 'HEAD 304']);
    expect(served[1].ifNoneMatch).toBeUndefined();
    expect(later.images[0].reuse).toEqual({
      reason: 'not-modified',
      request_id: refreshed.requestId,
    });
    await request(service.baseUrl)
      .post('/upload')
      .set(alice)
      .field('refresh', 'yes')
      .attach('file', Buffer.from(csvOf(url)), { filename: 'c.csv', contentType: 'text/csv' })
      .expect(400, /refresh must be true or false/);
  });

  it('tells an idempotent retry with another refresh from the same upload', async () => {
    const url = origin.set('/refresh-key/photo.jpg', await jpeg(52));
    const upload = (refresh: string) =>
      request(service.baseUrl)
        .post('/upload')
        .set({ ...alice, 'Idempotency-Key': `refresh-key-${String(onS3)}` })
        .field('refresh', refresh)
        .attach('file', Buffer.from(csvOf(url)), { filename: 'c.csv', contentType: 'text/csv' });

    const first = await upload('true').expect(202);
    const replayed = await upload('true').expect(202);
    await upload('false').expect(422, /refresh/);

    expect((replayed.body as { request_id: string }).request_id).toBe(
      (first.body as { request_id: string }).request_id,
    );
    await waitUntilFinished(
      service.baseUrl,
      (first.body as { request_id: string }).request_id,
      alice,
    );
  });

  it("keeps each API key's results to itself: another key neither revalidates nor matches bytes", async () => {
    const url = origin.set('/owners/photo.jpg', await jpeg(61));
    const alices = await run(csvOf(url), alice);

    const bobsFirst = await run(csvOf(url), bob);
    const bobsSecond = await run(csvOf(url), bob);

    expect(bobsFirst.images[0].reuse).toBeNull();
    const served = origin.requestsFor('/owners/photo.jpg');
    expect(origin.answersFor('/owners/photo.jpg')).toEqual(['GET 200', 'GET 200', 'HEAD 304']);
    expect(served[1].ifNoneMatch).toBeUndefined();
    expect(bobsSecond.images[0].reuse).toEqual({
      reason: 'not-modified',
      request_id: bobsFirst.requestId,
    });
    expect(bobsSecond.images[0].reuse?.request_id).not.toBe(alices.requestId);
  });

  it('reuses the latest copy of a result, so that deleting the first request costs nothing', async () => {
    const url = origin.set('/latest/photo.jpg', await jpeg(72));
    const first = await run(csvOf(url), alice);
    const second = await run(csvOf(url), alice);

    await deleteRequest(first, alice);
    const third = await run(csvOf(url), alice);

    expect(third.images[0].reuse).toEqual({ reason: 'not-modified', request_id: second.requestId });
    expect(origin.answersFor('/latest/photo.jpg')).toEqual(['GET 200', 'HEAD 304', 'HEAD 304']);
  });

  it('keeps reused outputs downloadable after the request they came from is deleted', async () => {
    const url = origin.set('/deleted/photo.jpg', await jpeg(71));
    const first = await run(csvOf(url), alice);
    const original = await download(first.images[0], alice);
    const second = await run(csvOf(url), alice);
    expect(second.images[0].reuse?.request_id).toBe(first.requestId);

    // The source is remembered from the latest request that stored its result.
    expect(await sourcesRememberedFrom(first)).toBe(0);
    expect(await sourcesRememberedFrom(second)).toBe(1);

    await deleteRequest(first, alice);

    expect(await download(second.images[0], alice)).toEqual(original);
    await deleteRequest(second, alice);
    const third = await run(csvOf(url), alice);
    expect(third.images[0].reuse).toBeNull();
    expect(await download(third.images[0], alice)).toEqual(original);
    // Its kept result gone, the source is forgotten with it: the image is downloaded whole,
    // with no conditional request that could only fail, and encoded again.
    expect(origin.answersFor('/deleted/photo.jpg')).toEqual(['GET 200', 'HEAD 304', 'GET 200']);
    expect(await sourcesRememberedFrom(third)).toBe(1);
  });
});
