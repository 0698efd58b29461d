import { request as httpRequest } from 'node:http';
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
/** Tries at reaching the moment between the commit and the answer, before the test gives up. */
const TRIES = 8;
const BOUNDARY = 'unconfirmed-upload-boundary';

interface SentUpload {
  /** The status the API answered with, if it answered. */
  answered: number | undefined;
}

/** Sends a whole multipart upload over a raw connection, noting whether any answer came. */
function sendUpload(baseUrl: string, csv: string, idempotencyKey?: string): SentUpload {
  const sent: SentUpload = { answered: undefined };
  const body = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="products.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\n${csv}\r\n--${BOUNDARY}--\r\n`,
  );
  const request = httpRequest(`${baseUrl}/upload`, {
    method: 'POST',
    headers: {
      'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
      'Content-Length': body.length,
      ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
    },
  });
  request.on('error', () => undefined);
  request.on('response', (response) => (sent.answered = response.statusCode));
  request.end(body);
  return sent;
}

const openDatabase = async (env: Env): Promise<DataSource> =>
  new DataSource({
    ...buildDataSourceOptions(loadConfig(env).database),
    migrationsRun: false,
  }).initialize();

interface KilledUpload {
  env: Env;
  requestId: string;
}

/**
 * Uploads to an API process and kills it after the upload's transaction committed but before
 * its `202` was written. The process is let run a moment at a time once it starts
 * storing, and the database is looked at while it is stopped, so the kill lands right after
 * the commit; a try in which the answer got out all the same is made again on a fresh service.
 */
async function killBetweenCommitAndAnswer(
  csv: string,
  idempotencyKey?: string,
): Promise<KilledUpload> {
  for (let attempt = 1; attempt <= TRIES; attempt++) {
    const env = await testEnvironment({ MODE: 'api' });
    const api = new ServiceProcess(env);
    let database: DataSource | undefined;
    let requestId: string | undefined;
    try {
      await api.waitForLog('Listening on');
      database = await openDatabase(env);
      const upload = sendUpload(env.PUBLIC_BASE_URL, csv, idempotencyKey);
      await api.waitForLog('Storing request');
      requestId = /Storing request ([0-9a-f-]{36})/.exec(api.log)?.[1];
      for (;;) {
        api.kill('SIGSTOP');
        const [{ count }] = await database.query<{ count: number | string }[]>(
          `SELECT COUNT(*) AS count FROM image_processing_requests WHERE request_id = '${requestId}'`,
        );
        if (Number(count) > 0) break;
        api.kill('SIGCONT');
        await new Promise(setImmediate);
      }
      await api.stop('SIGKILL');
      // Whatever the API had handed to its socket reaches the client even so.
      await sleep(300);
      if (upload.answered === undefined && requestId) {
        const [row] = await database.query<{ unconfirmed_since: unknown }[]>(
          `SELECT unconfirmed_since FROM image_processing_requests WHERE request_id = '${requestId}'`,
        );
        expect(row.unconfirmed_since).not.toBeNull();
        return { env, requestId };
      }
    } finally {
      await api.stop('SIGKILL');
      await database?.destroy();
    }
    console.info(`Try ${attempt}: the answer was out before the API stopped; trying again`);
    await removeTestData(env);
  }
  throw new Error(`No try of ${TRIES} stopped the API between the commit and the answer`);
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
    const { env, requestId } = await killBetweenCommitAndAnswer(csvOf('lost', ROWS));
    // The next process takes the port of the one killed.
    const baseUrl = env.PUBLIC_BASE_URL;
    const next = new ServiceProcess({
      ...env,
      MODE: 'all',
      UNCONFIRMED_UPLOAD_GRACE_MS: '1000',
      LIFECYCLE_SWEEP_INTERVAL_MS: '200',
    });
    const database = await openDatabase(env);
    try {
      await next.waitForLog('Listening on');
      const [{ id }] = await database.query<{ id: number }[]>(
        `SELECT id FROM image_processing_requests WHERE request_id = '${requestId}'`,
      );
      // The new process processes what it answered for, and nothing else.
      const answered = await uploadCsv(baseUrl, csvOf('answered', 5));
      expect((await waitUntilFinished(baseUrl, answered)).progress).toMatchObject({
        processed: 5,
        failed: 0,
      });
      expect(downloadsOf('lost')).toEqual([]);

      await waitFor(async () => (await rowsOf(database, id)) === 0, {
        what: 'the unconfirmed request to be deleted',
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
    const next = new ServiceProcess({ ...env, MODE: 'all' });
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
