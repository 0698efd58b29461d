import { connect } from 'node:net';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { jpegPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { rowsOf } from './helpers/request-rows';
import { Env, removeTestData, ServiceProcess, testEnvironment } from './helpers/test-app';
import { sleep, waitFor } from './helpers/wait-for';

const ROWS = 150;
const BOUNDARY = 'unconfirmed-upload-boundary';

const openDatabase = async (env: Env): Promise<DataSource> =>
  new DataSource({
    ...buildDataSourceOptions(loadConfig(env).database),
    migrationsRun: false,
  }).initialize();

/**
 * Sends, on one connection, a request for an event stream that stays open and then, pipelined
 * behind it, the upload. HTTP/1.1 answers a connection's requests in order: the upload is
 * received and stored, but its `202` waits behind the stream and is not handed to the socket.
 * Returns what the connection received so far.
 */
function uploadBehindOpenStream(
  baseUrl: string,
  streamPath: string,
  csv: string,
  idempotencyKey?: string,
): () => string {
  const body = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="products.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\n${csv}\r\n--${BOUNDARY}--\r\n`,
  );
  const { hostname, port } = new URL(baseUrl);
  let received = '';
  const socket = connect(Number(port), hostname);
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.write(
    `GET ${streamPath} HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  socket.write(
    `POST /upload HTTP/1.1\r\nHost: ${hostname}\r\n` +
      `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
      `Content-Length: ${body.length}\r\n` +
      (idempotencyKey ? `Idempotency-Key: ${idempotencyKey}\r\n` : '') +
      '\r\n',
  );
  socket.write(body);
  return () => received;
}

interface KilledUpload {
  env: Env;
  requestId: string;
  requestPk: number;
}

/**
 * Uploads to an API process and kills it after the upload's transaction committed, while its
 * `202` waits behind an open event stream on the same connection: it was never written.
 */
async function killBetweenCommitAndAnswer(
  csv: string,
  idempotencyKey?: string,
): Promise<KilledUpload> {
  // Nothing is dispatched, so the watched request never finishes and its stream stays open.
  const env = await testEnvironment({ MODE: 'api', DISPATCHER: 'false' });
  const api = new ServiceProcess(env);
  let database: DataSource | undefined;
  try {
    await api.waitForLog('Listening on');
    database = await openDatabase(env);
    const watched = await uploadCsv(
      env.PUBLIC_BASE_URL,
      'S. No.,Product Name,Input Image Urls\n1,Watched,http://127.0.0.1:9/watched.jpg\n',
    );
    const logBefore = api.log.length;
    const received = uploadBehindOpenStream(
      env.PUBLIC_BASE_URL,
      `/status/${watched}/events`,
      csv,
      idempotencyKey,
    );
    const requestId = await waitFor(
      () => /Storing request ([0-9a-f-]{36})/.exec(api.log.slice(logBefore))?.[1],
      { what: 'the upload to be stored', progress: () => api.log.length },
    );
    const stored = database;
    await waitFor(
      async () =>
        (
          await stored.query<{ unconfirmed_since: unknown }[]>(
            `SELECT unconfirmed_since FROM image_processing_requests WHERE request_id = '${requestId}'`,
          )
        )[0],
      { what: 'the upload to be committed' },
    );
    await api.stop('SIGKILL');

    expect(received()).toContain('text/event-stream');
    expect(received()).not.toContain('202 Accepted');
    const [row] = await database.query<{ id: number; unconfirmed_since: unknown }[]>(
      `SELECT id, unconfirmed_since FROM image_processing_requests WHERE request_id = '${requestId}'`,
    );
    expect(row.unconfirmed_since).not.toBeNull();
    return { env, requestId, requestPk: Number(row.id) };
  } catch (error) {
    await api.stop('SIGKILL');
    await removeTestData(env);
    throw error;
  } finally {
    await database?.destroy();
  }
}

/**
 * An API that stops after an upload's transaction committed but before its `202` was written
 * leaves a request its client never heard of. It must not be processed (the client, retrying
 * without an `Idempotency-Key`, would get every image twice), and it is deleted after
 * `UNCONFIRMED_UPLOAD_GRACE_MS`; a retry with its `Idempotency-Key` gets it after all.
 */
describe('An upload whose answer never left the API', () => {
  let images: FixtureServer;
  const csvOf = (name: string, rows: number) =>
    'S. No.,Product Name,Input Image Urls\n' +
    Array.from(
      { length: rows },
      (_, index) => `${index + 1},Product ${index + 1},${images.url(`/${name}/${index + 1}.jpg`)}`,
    ).join('\n') +
    '\n';
  const downloadsOf = (name: string) =>
    [...images.hits].filter(([path]) => path.startsWith(`/${name}/`));

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const photo = await jpegPhoto(16, 16);
    images.otherwise((_, response) =>
      response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(photo),
    );
  });

  afterAll(async () => {
    await images.stop();
  });

  it('is never processed, and is deleted once the grace period is over', async () => {
    const { env, requestPk } = await killBetweenCommitAndAnswer(csvOf('lost', ROWS));
    // The next processes take the port of the one killed.
    const baseUrl = env.PUBLIC_BASE_URL;
    const database = await openDatabase(env);
    let next = new ServiceProcess({ ...env, MODE: 'all', DISPATCHER: 'true' });
    try {
      await next.waitForLog('Listening on');
      // A process processes what it answered for, and nothing else,
      const answered = await uploadCsv(baseUrl, csvOf('answered', 5));
      expect((await waitUntilFinished(baseUrl, answered)).progress).toMatchObject({
        processed: 5,
        failed: 0,
      });
      expect(downloadsOf('lost')).toEqual([]);
      expect(await rowsOf(database, requestPk)).toBeGreaterThan(0);
      await next.stop();

      // and one that runs once the grace period is over deletes it.
      next = new ServiceProcess({
        ...env,
        MODE: 'all',
        DISPATCHER: 'true',
        UNCONFIRMED_UPLOAD_GRACE_MS: '1000',
        LIFECYCLE_SWEEP_INTERVAL_MS: '200',
      });
      await waitFor(async () => (await rowsOf(database, requestPk)) === 0, {
        what: 'the unconfirmed request to be deleted',
        progress: () => next.log.length,
      });
      expect(downloadsOf('lost')).toEqual([]);
      expect(next.log).toContain('uploads whose answer never reached the client');
    } finally {
      await next.stop();
      await database.destroy();
      await removeTestData(env);
    }
  });

  it('is processed once, after a retry with its Idempotency-Key', async () => {
    const key = `"unconfirmed-${Date.now()}"`;
    const { env, requestId } = await killBetweenCommitAndAnswer(csvOf('kept', ROWS), key);
    const baseUrl = env.PUBLIC_BASE_URL;
    const next = new ServiceProcess({ ...env, MODE: 'all', DISPATCHER: 'true' });
    try {
      await next.waitForLog('Listening on');
      // Nothing starts before the client hears of the request.
      await sleep(1000);
      expect(downloadsOf('kept')).toEqual([]);

      const retried = await uploadCsv(baseUrl, csvOf('kept', ROWS), {
        headers: { 'Idempotency-Key': key },
      });
      expect(retried).toBe(requestId);
      expect((await waitUntilFinished(baseUrl, requestId)).progress).toMatchObject({
        processed: ROWS,
        failed: 0,
      });
      expect(downloadsOf('kept')).toHaveLength(ROWS);
      expect(downloadsOf('kept').filter(([, hits]) => hits !== 1)).toEqual([]);
    } finally {
      await next.stop();
      await removeTestData(env);
    }
  });
});
