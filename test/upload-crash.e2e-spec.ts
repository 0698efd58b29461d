import { request as httpRequest } from 'node:http';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/config';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { removeTestData, ServiceProcess, testEnvironment } from './helpers/test-app';
import { countRows } from './helpers/test-database';

const ROWS = 60_000;
const BOUNDARY = 'upload-crash-boundary';

/** A multipart upload of a large CSV, sent a piece at a time so that it can be cut anywhere. */
function uploadPieces(): Buffer[] {
  const rows = Array.from(
    { length: ROWS },
    (_, index) =>
      `${index + 1},Product ${index + 1},"http://images.example/${index}/a.jpg, http://images.example/${index}/b.jpg"`,
  );
  const body = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n` +
      `Content-Type: text/csv\r\n\r\nS. No.,Product Name,Input Image Urls\n${rows.join('\n')}\n` +
      `\r\n--${BOUNDARY}--\r\n`,
  );
  const pieces: Buffer[] = [];
  for (let start = 0; start < body.length; start += 256 * 1024) {
    pieces.push(body.subarray(start, start + 256 * 1024));
  }
  return pieces;
}

interface StartedUpload {
  /** The status the API answered with, if it answered. */
  answered: number | undefined;
}

/** Sends the pieces; resolves once `sentPieces` of them are out, leaving the request open. */
async function startUpload(
  baseUrl: string,
  pieces: Buffer[],
  sentPieces: number,
): Promise<StartedUpload> {
  const started: StartedUpload = { answered: undefined };
  const request = httpRequest(`${baseUrl}/upload`, {
    method: 'POST',
    headers: {
      'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
      'Content-Length': pieces.reduce((sum, piece) => sum + piece.length, 0),
    },
  });
  request.on('error', () => undefined);
  request.on('response', (response) => (started.answered = response.statusCode));
  for (const piece of pieces.slice(0, sentPieces)) {
    if (!request.write(piece)) await new Promise((resolve) => request.once('drain', resolve));
  }
  return started;
}

/**
 * An upload is all or nothing: an API killed while a CSV is arriving, or while it is being
 * stored, leaves no request, product or image behind, and the next start does not find one.
 */
describe('An API killed during an upload', () => {
  it.each([
    ['while the CSV is still arriving', 0.4, null],
    ['while the request is being stored', 1, 'Storing request'],
  ])('%s leaves nothing stored', async (_, share, killAtLog) => {
    const env = await testEnvironment({ MODE: 'api', DISPATCHER: 'false' });
    const api = new ServiceProcess(env);
    try {
      await api.waitForLog('Listening on');
      const pieces = uploadPieces();
      const upload = await startUpload(
        env.PUBLIC_BASE_URL,
        pieces,
        Math.ceil(pieces.length * share),
      );
      if (killAtLog) await api.waitForLog(killAtLog);
      await api.stop('SIGKILL');
      expect(upload.answered).toBeUndefined();

      const dataSource = new DataSource(buildDataSourceOptions(loadConfig(env).database));
      await dataSource.initialize();
      try {
        for (const table of ['image_processing_requests', 'products', 'images', 'outbox']) {
          expect({ table, rows: await countRows(dataSource, table) }).toEqual({ table, rows: 0 });
        }
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await api.stop('SIGKILL');
      await removeTestData(env);
    }
  });
});
