import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { IdempotencyKey } from '../src/requests/idempotency-key.entity';
import { getStatus, uploadCsv, waitUntilFinished } from './helpers/batch-client';
import { CliRun, runCliProcess } from './helpers/cli-process';
import { jpegPhoto, pngPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { FlakyProxy } from './helpers/flaky-proxy';
import { freePort } from './helpers/free-port';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { waitFor } from './helpers/wait-for';

const HEADER = 'S. No.,Product Name,Input Image Urls';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const API_KEY = 'key-cli';

describe('The image-batch command line', () => {
  let images: FixtureServer;
  let service: TestApp;
  let workDir: string;
  const keyHeader = { Authorization: `Bearer ${API_KEY}` };

  beforeAll(async () => {
    images = await new FixtureServer().start();
    images.file('/front.jpg', await jpegPhoto(400, 300, 95, 1), 'image/jpeg');
    images.file('/side.png', await pngPhoto(200, 150, 2), 'image/png');
    const slowImage = await jpegPhoto(64, 48, 95, 3);
    for (const delayMs of [200, 400, 600, 800, 1000]) {
      images.slowFile(`/slow-${delayMs}.jpg`, slowImage, delayMs);
    }
    service = await startTestApp(
      await testEnvironment({ API_KEYS: API_KEY, QUALITY_SCORE: 'true' }),
    );
    workDir = mkdtempSync(join(tmpdir(), 'image-batch-cli-'));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    await removeTestData(service.env);
    rmSync(workDir, { recursive: true, force: true });
  });

  /** The CLI pointed at the test service with its key, as a user would set it up. */
  const imageBatch = (args: string[], env: Record<string, string> = {}, terminal = false) =>
    runCliProcess(args, {
      cwd: workDir,
      env: { IMAGE_BATCH_API: service.baseUrl, IMAGE_BATCH_KEY: API_KEY, ...env },
      terminal,
    });

  const writeCsv = (name: string, rows: string[]) => {
    writeFileSync(join(workDir, name), [HEADER, ...rows, ''].join('\n'));
    return name;
  };

  const requestIdIn = (run: CliRun) =>
    new RegExp(`Accepted as request (${UUID})`).exec(run.stdout)?.[1] ?? '';

  const stackTraceLine = /^\s+at /m;

  /** The requests made with the test's API key, newest first. */
  const requestIds = async () => {
    const list = await request(service.baseUrl).get('/requests?limit=100').set(keyHeader);
    expect(list.status).toBe(200);
    return (list.body as { items: { request_id: string }[] }).items.map((item) => item.request_id);
  };

  /** A line telling that an attempt failed, without the time it happened at. */
  const withoutElapsed = (line: string) => line.replace(/^\[\d+:\d\d\] /, '');

  it('submits a CSV, follows it to Completed, saves the output CSV and lists the failed image, exiting 6', async () => {
    const front = images.url('/front.jpg');
    const side = images.url('/side.png');
    const missing = images.url('/missing.jpg');
    const csv = writeCsv('products.csv', [`1,Shoes,"${front}, ${side}"`, `2,Hat,${missing}`]);

    const run = await imageBatch([
      'submit',
      csv,
      '--wait',
      '--out',
      'result.csv',
      '--interval',
      '0.2',
    ]);

    expect(run).toMatchObject({ exitCode: 6 });
    const requestId = requestIdIn(run);
    expect(run.stdout).toContain(`Status URL: ${service.baseUrl}/status/${requestId}`);
    expect(run.stdout).toMatch(/^Status +Completed$/m);
    expect(run.stdout).toMatch(/^Images +3\/3 processed \(100%\): 2 succeeded, 1 failed$/m);
    expect(run.stdout).toContain(
      `Failed images (1):\n  row 2, URL 1: ${missing}\n    Download failed with HTTP 404`,
    );
    expect(run.stdout).toContain('Saved the output CSV to result.csv');
    const saved = readFileSync(join(workDir, 'result.csv'), 'utf8');
    const served = await request(service.baseUrl)
      .get(`/status/${requestId}/output.csv`)
      .set(keyHeader)
      .expect(200);
    expect(saved).toBe(served.text);
    const [header, shoes, hat] = saved.split('\r\n');
    expect(header).toBe(`${HEADER},Output Image Urls`);
    expect(shoes).toMatch(
      new RegExp(`^1,Shoes,"${front}, ${side}","http://.+/${requestId}/1-1\\.jpg, http`),
    );
    expect(hat).toBe(`2,Hat,${missing},`);
  });

  it('saves the report CSV with --report and shows the quality scores', async () => {
    const csv = writeCsv('report.csv', [`1,Shoes,"${images.url('/front.jpg')}"`]);

    const run = await imageBatch([
      'submit',
      csv,
      '--report',
      'report-out.csv',
      '--interval',
      '0.2',
    ]);

    expect(run).toMatchObject({ exitCode: 0 });
    const requestId = requestIdIn(run);
    expect(run.stdout).toContain('Saved the report to report-out.csv');
    expect(run.stdout).toMatch(/^Scores +mean 0\.\d{4}, lowest 0\.\d{4} \(SSIM .*1 image\)$/m);
    const served = await request(service.baseUrl)
      .get(`/status/${requestId}/report.csv`)
      .set(keyHeader)
      .expect(200);
    expect(readFileSync(join(workDir, 'report-out.csv'), 'utf8')).toBe(served.text);
    expect(served.text).toMatch(
      // Compressed, no details, and no variant (none was asked for).
      /^S\. No\.,Product Name,Position,.*\r\n1,Shoes,1,.*,Compressed,,,,,,,,\r\n$/s,
    );
  });

  it('asks for the variants given with --variants, and counts them in its summary', async () => {
    const csv = writeCsv('variants.csv', [`1,Shoes,"${images.url('/front.jpg')}"`]);

    const run = await imageBatch([
      'submit',
      csv,
      '--variants',
      'webp',
      '--wait',
      '--interval',
      '0.2',
    ]);

    expect(run).toMatchObject({ exitCode: 0 });
    const status = (await getStatus(service.baseUrl, requestIdIn(run), keyHeader)) as unknown as {
      images: { items: { variants: { format: string }[] }[] };
    };
    expect(status.images.items[0].variants.map((variant) => variant.format)).toEqual(['webp']);
    expect(run.stdout).toMatch(/^Variants +/m);
  });

  it('exits 1 when the request ends Failed because every image failed', async () => {
    const csv = writeCsv('gone.csv', [
      `1,Mug,${images.url('/gone-1.jpg')}`,
      `2,Cup,${images.url('/gone-2.jpg')}`,
    ]);

    const run = await imageBatch(['submit', csv, '--wait', '--interval', '0.2']);

    expect(run).toMatchObject({ exitCode: 1 });
    expect(run.stdout).toMatch(/^Status +Failed$/m);
    expect(run.stdout).toMatch(/^Images +2\/2 processed \(100%\): 0 succeeded, 2 failed$/m);
    expect(run.stdout).toContain('Failed images (2):\n  row 1, URL 1: ');
  });

  it('lists the first 10 failed images of a status with their reasons, then a count of the rest', async () => {
    const rows = Array.from(
      { length: 13 },
      (_, index) => `${index + 1},P${index + 1},${images.url(`/lost-${index + 1}.jpg`)}`,
    );
    const csv = `${HEADER}\n${rows.join('\n')}\n14,Shoes,${images.url('/front.jpg')}\n`;
    const requestId = await uploadCsv(service.baseUrl, csv, { headers: keyHeader });
    await waitUntilFinished(service.baseUrl, requestId, keyHeader);

    const run = await imageBatch(['status', requestId]);
    const allowed = await imageBatch(['status', requestId, '--allow-failures']);

    expect(run.exitCode).toBe(6);
    const listing = run.stdout.slice(run.stdout.indexOf('Failed images'));
    expect(listing.split('\n')).toEqual([
      'Failed images (the first 10 of 13):',
      ...Array.from({ length: 10 }, (_, index) => [
        `  row ${index + 1}, URL 1: ${images.url(`/lost-${index + 1}.jpg`)}`,
        '    Download failed with HTTP 404',
      ]).flat(),
      '  ... and 3 more',
      '',
    ]);
    expect(allowed).toMatchObject({ exitCode: 0, stdout: run.stdout });
  });

  it('exits 3 and lists every problem of an invalid CSV with its line and column', async () => {
    const csv = writeCsv('invalid.csv', [
      '1,,https://x.example/a.jpg',
      '2,Cup,ftp://x.example/b.png',
      '3,Plate,https://x.example/c.jpg',
    ]);

    const run = await imageBatch(['submit', csv, '--wait']);

    expect(run).toMatchObject({ exitCode: 3, stdout: '' });
    expect(run.stderr.split('\n').slice(1)).toEqual([
      'The service refused the CSV: The CSV file is not valid',
      '  line 2, column "Product Name": Product name is missing',
      '  line 3, column "Input Image Urls": URL 1 "ftp://x.example/b.png" must start with http:// or https://',
      '',
    ]);

    const asJson = await imageBatch(['submit', csv, '--json']);
    expect(asJson.exitCode).toBe(3);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      statusCode: 400,
      errors: [{ line: 2 }, { line: 3 }],
    });
  });

  it('shows the status of a request as text or as the JSON the service sends', async () => {
    const csv = `${HEADER}\n1,Shoes,${images.url('/front.jpg')}\n`;
    // Encoded afresh, not reused from an earlier test's request: no "Reused" line.
    const requestId = await uploadCsv(service.baseUrl, csv, { headers: keyHeader, refresh: true });
    await waitUntilFinished(service.baseUrl, requestId, keyHeader);

    const text = await imageBatch(['status', requestId]);
    expect(text).toMatchObject({ exitCode: 0, stderr: '' });
    expect(text.stdout.split('\n')).toEqual([
      `Request     ${requestId}`,
      'Status      Completed',
      'Images      1/1 processed (100%): 1 succeeded, 0 failed',
      expect.stringMatching(/^Created {5}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
      expect.stringMatching(/^Finished {4}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
      expect.stringMatching(
        /^Scores {6}mean 0\.\d{4}, lowest 0\.\d{4} \(SSIM against the source, 1 image\)$/,
      ),
      `Output CSV  ${service.baseUrl}/status/${requestId}/output.csv`,
      `Report      ${service.baseUrl}/status/${requestId}/report.csv`,
      '',
    ]);

    const json = await imageBatch(['status', requestId, '--json']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(await getStatus(service.baseUrl, requestId, keyHeader));
  });

  it('exits 1 for the status of a Failed request and 4 for an unknown one', async () => {
    const csv = `${HEADER}\n1,Mug,${images.url('/gone-3.jpg')}\n`;
    const failedId = await uploadCsv(service.baseUrl, csv, { headers: keyHeader });
    await waitUntilFinished(service.baseUrl, failedId, keyHeader);
    const unknownId = '00000000-0000-4000-8000-000000000000';

    const failed = await imageBatch(['status', failedId]);
    const unknown = await imageBatch(['status', unknownId]);

    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(/^Status +Failed$/m);
    expect(unknown).toMatchObject({ exitCode: 4, stdout: '' });
    expect(unknown.stderr).toBe(`The service answered 404: No request with id ${unknownId}\n`);
  });

  it('prints one plain line per change of progress when its output is not a terminal', async () => {
    const slow = [200, 400, 600, 800, 1000].map((delayMs) => images.url(`/slow-${delayMs}.jpg`));
    const csv = writeCsv(
      'slow.csv',
      slow.map((url, index) => `${index + 1},Item ${index + 1},${url}`),
    );

    const run = await imageBatch(['submit', csv, '--wait', '--interval', '0.1']);

    expect(run).toMatchObject({ exitCode: 0 });
    const [uploading, ...progress] = run.stderr.trimEnd().split('\n');
    expect(uploading).toMatch(/^Uploading slow\.csv \(\d+ bytes\) to http:\/\/127\.0\.0\.1:\d+$/);
    const line = /^\[\d+:\d\d\] (Pending|Processing|Completed): \d\/5 images \(\d+%\), 0 failed$/;
    for (const text of progress) expect(text).toMatch(line);
    // About 20 polls: a line for each of them would repeat itself.
    const states = progress.map((text) => text.replace(/^\[[\d:]+\] /, ''));
    expect(new Set(states).size).toBe(states.length);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatch(/\] Completed: 5\/5 images \(100%\), 0 failed$/);
    expect(run.stderr).not.toContain('\r');
    expect(run.stderr).not.toContain('\u001b[');
  });

  it('draws a live progress bar when its output is a terminal', async () => {
    const csv = writeCsv('terminal.csv', [`1,Shoes,${images.url('/slow-600.jpg')}`]);

    const run = await imageBatch(['submit', csv, '--wait', '--interval', '0.1'], {}, true);

    expect(run).toMatchObject({ exitCode: 0 });
    expect(run.stdout).toContain(`Completed  ${'\u2588'.repeat(30)} 100% | 1/1 images | 0 failed`);
    expect(run.stdout).toContain('\r');
    expect(run.stdout).not.toMatch(/\[\d+:\d\d\] Completed/);
  });

  it('says plainly, without a stack trace, that it cannot reach the service after 4 tries, and exits 5', async () => {
    const csv = writeCsv('unreachable.csv', [`1,Shoes,${images.url('/front.jpg')}`]);
    const api = `http://127.0.0.1:${await freePort()}`;

    const run = await imageBatch(['submit', csv, '--api', api]);

    expect(run).toMatchObject({ exitCode: 5, stdout: '' });
    const refused = `Cannot reach the service at ${api}: the connection was refused`;
    expect(run.stderr.split('\n').slice(1).map(withoutElapsed)).toEqual([
      `${refused}; trying again in 1 s`,
      `${refused}; trying again in 1 s`,
      `${refused}; trying again in 2 s`,
      refused,
      '  Is it running? Give its address with --api or IMAGE_BATCH_API.',
      expect.stringMatching(/^ {2}Gave up after \d+ s of failed attempts\.$/),
      expect.stringMatching(
        new RegExp(
          `^ {2}Run the same command with --idempotency-key ${UUID} to try again without risking a second request\\.$`,
        ),
      ),
      '',
    ]);
    expect(run.stderr).not.toMatch(stackTraceLine);
  });

  it('sends the API key given with --key, and exits 4 when the key is missing or wrong', async () => {
    const csv = writeCsv('keyed.csv', [`1,Shoes,${images.url('/front.jpg')}`]);
    const withoutKey = { IMAGE_BATCH_KEY: '' };

    const missing = await imageBatch(['submit', csv], withoutKey);
    const wrong = await imageBatch(['submit', csv, '--key', 'not-the-key'], withoutKey);
    const right = await imageBatch(['submit', csv, '--key', API_KEY], withoutKey);

    expect(missing).toMatchObject({ exitCode: 4, stdout: '' });
    expect(missing.stderr).toMatch(/^The service answered 401: A valid API key is required/m);
    expect(missing.stderr).toContain('  Give an API key with --key or IMAGE_BATCH_KEY.');
    expect(wrong).toMatchObject({ exitCode: 4, stdout: '' });
    expect(wrong.stderr).toContain(
      '  The API key was not accepted; check --key or IMAGE_BATCH_KEY.',
    );
    expect(right).toMatchObject({ exitCode: 0 });
    const requestId = requestIdIn(right);
    expect(right.stdout).toBe(
      `Accepted as request ${requestId}\nStatus URL: ${service.baseUrl}/status/${requestId}\n`,
    );
    expect((await getStatus(service.baseUrl, requestId, keyHeader)).request_id).toBe(requestId);
  });

  it('answers a submit run again with the same --idempotency-key with the same request', async () => {
    const csv = writeCsv('run-twice.csv', [`1,Shoes,${images.url('/front.jpg')}`]);
    const key = `run-twice-${randomUUID()}`;
    const before = await requestIds();

    const first = await imageBatch(['submit', csv, '--idempotency-key', key]);
    const again = await imageBatch(['submit', csv, '--idempotency-key', key, '--json']);

    expect(first).toMatchObject({ exitCode: 0 });
    const requestId = requestIdIn(first);
    expect(requestId).not.toBe('');
    expect(again).toMatchObject({ exitCode: 0 });
    expect(JSON.parse(again.stdout)).toMatchObject({ request_id: requestId });
    expect(await requestIds()).toEqual([requestId, ...before]);
  });

  it("exits 4 with the service's reason, trying nothing again, when the key was used for another CSV", async () => {
    const key = `reused-${randomUUID()}`;
    const first = await imageBatch([
      'submit',
      writeCsv('first.csv', [`1,Shoes,${images.url('/front.jpg')}`]),
      '--idempotency-key',
      key,
    ]);
    expect(first).toMatchObject({ exitCode: 0 });
    const before = await requestIds();

    const reused = await imageBatch([
      'submit',
      writeCsv('another.csv', [`1,Hat,${images.url('/side.png')}`]),
      '--idempotency-key',
      key,
    ]);

    expect(reused).toMatchObject({ exitCode: 4, stdout: '' });
    expect(reused.stderr.split('\n').slice(1)).toEqual([
      'The service answered 422: This Idempotency-Key was used for an upload with another file, webhook_url or refresh; send a new key with a new upload',
      '',
    ]);
    expect(await requestIds()).toEqual(before);
  });

  describe('behind a proxy', () => {
    let proxy: FlakyProxy | undefined;

    afterEach(async () => {
      await proxy?.stop();
      proxy = undefined;
    });

    it('tries an upload answered 503 again once Retry-After has passed, with the same Idempotency-Key', async () => {
      proxy = await new FlakyProxy(service.baseUrl, (_, index) =>
        index === 0
          ? { status: 503, headers: { 'Retry-After': '1' }, body: 'restarting' }
          : undefined,
      ).start();
      const csv = writeCsv('restarting.csv', [`1,Shoes,${images.url('/front.jpg')}`]);
      const before = await requestIds();

      const run = await imageBatch(['submit', csv], { IMAGE_BATCH_API: proxy.baseUrl });

      expect(run).toMatchObject({ exitCode: 0 });
      const uploads = proxy.requestsTo('POST', '/upload');
      expect(uploads.map((upload) => upload.status)).toEqual([503, 202]);
      const [refused, accepted] = uploads;
      expect(refused.headers['idempotency-key']).toMatch(new RegExp(`^"${UUID}"$`));
      expect(accepted.headers['idempotency-key']).toBe(refused.headers['idempotency-key']);
      // Retry-After (1 s) rather than the first pause of the backoff (0.5 s).
      expect(accepted.atMs - refused.atMs).toBeGreaterThanOrEqual(1000);
      expect(run.stderr.split('\n').slice(1, -1).map(withoutElapsed)).toEqual([
        'The service answered 503: Service Unavailable; trying again in 1 s',
      ]);
      const requestId = requestIdIn(run);
      expect(await requestIds()).toEqual([requestId, ...before]);
    });

    it('waits while the first upload with its key is still arriving, then answers with its request', async () => {
      proxy = await new FlakyProxy(service.baseUrl).start();
      const key = `in-progress-${randomUUID()}`;
      const csv = Buffer.from(`${HEADER}\n1,Shoes,${images.url('/front.jpg')}\n`);
      writeFileSync(join(workDir, 'in-progress.csv'), csv);
      const boundary = 'in-progress-boundary';
      const firstUpload = httpRequest(`${service.baseUrl}/upload`, {
        method: 'POST',
        headers: {
          ...keyHeader,
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Idempotency-Key': `"${key}"`,
        },
      });
      const firstAnswer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        firstUpload.once('response', (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.once('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        firstUpload.once('error', reject);
      });
      firstUpload.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="in-progress.csv"\r\n` +
          `Content-Type: text/csv\r\n\r\n${HEADER}\n`,
      );
      await waitFor(
        async () =>
          (await service.dataSource.getRepository(IdempotencyKey).findOneBy({ key }))?.holder,
        { what: 'the first upload to hold its key' },
      );

      const running = imageBatch(['submit', 'in-progress.csv', '--idempotency-key', key], {
        IMAGE_BATCH_API: proxy.baseUrl,
      });
      try {
        await waitFor(() => proxy?.requestsTo('POST', '/upload')[0]?.status === 409, {
          what: 'the command to be told that the key is in use',
        });
      } finally {
        firstUpload.end(`${csv.subarray(HEADER.length + 1).toString()}\r\n--${boundary}--\r\n`);
      }
      const first = await firstAnswer;
      const run = await running;

      expect(first.status).toBe(202);
      const requestId = (JSON.parse(first.body) as { request_id: string }).request_id;
      expect(run).toMatchObject({ exitCode: 0 });
      expect(requestIdIn(run)).toBe(requestId);
      const uploads = proxy.requestsTo('POST', '/upload');
      expect(uploads.map((upload) => upload.status)).toEqual([
        409,
        ...uploads.slice(1, -1).map(() => 409),
        202,
      ]);
      expect(uploads.length).toBeLessThanOrEqual(4);
      expect(new Set(uploads.map((upload) => upload.headers['idempotency-key']))).toEqual(
        new Set([`"${key}"`]),
      );
      expect(run.stderr).toContain(
        'The service answered 409: An upload with this Idempotency-Key is still being received or stored; retry once it has been answered; trying again in 1 s',
      );
    });
  });

  describe('cancel, retry and delete', () => {
    const heldDownloads: (() => void)[] = [];
    let laterImageUp = false;

    beforeAll(async () => {
      const photo = await jpegPhoto(64, 48, 90, 4);
      const send = (response: ServerResponse) =>
        response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(photo);
      for (let index = 0; index < 20; index++) {
        images.route(`/held-${index}.jpg`, (_, response) => {
          heldDownloads.push(() => send(response));
        });
      }
      images.route('/later.jpg', (_, response) => {
        if (laterImageUp) send(response);
        else response.writeHead(404).end('not yet');
      });
    });

    afterAll(() => {
      for (const release of heldDownloads.splice(0)) release();
    });

    it('cancels a running request, which cannot be retried while it runs, and exits 7 for a finished one', async () => {
      const csv = Array.from(
        { length: 20 },
        (_, index) => `${index + 1},Item,${images.url(`/held-${index}.jpg`)}`,
      );
      const requestId = await uploadCsv(service.baseUrl, [HEADER, ...csv, ''].join('\n'), {
        headers: keyHeader,
      });
      await waitFor(() => heldDownloads.length > 0, { what: 'the first download to start' });

      const early = await imageBatch(['retry', requestId]);
      const cancel = await imageBatch(['cancel', requestId]);
      for (const release of heldDownloads.splice(0)) release();
      const finished = await waitUntilFinished(service.baseUrl, requestId, keyHeader);
      const again = await imageBatch(['cancel', requestId, '--json']);

      expect(early).toMatchObject({ exitCode: 7, stdout: '' });
      expect(early.stderr).toMatch(
        new RegExp(`^The service answered 409: Request ${requestId} is (Pending|Processing); `),
      );
      expect(cancel).toMatchObject({ exitCode: 0, stderr: '' });
      expect(cancel.stdout).toMatch(
        new RegExp(`^Cancelling request ${requestId} \\(\\d+ of 20 images done\\)\n`),
      );
      expect(finished.status).toBe('Cancelled');
      expect(again.exitCode).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({
        request_id: requestId,
        status: 'Cancelled',
      });

      const doneId = await uploadCsv(
        service.baseUrl,
        `${HEADER}\n1,Shoes,${images.url('/front.jpg')}\n`,
        {
          headers: keyHeader,
        },
      );
      await waitUntilFinished(service.baseUrl, doneId, keyHeader);
      const late = await imageBatch(['cancel', doneId]);
      expect(late).toMatchObject({ exitCode: 7, stdout: '' });
      expect(late.stderr).toMatch(
        /^The service answered 409: .*only a running request can be cancelled\n$/,
      );
    });

    it('retries the failed images of a finished request and, with --wait, follows it to Completed', async () => {
      const csv = writeCsv('later.csv', [`1,Lamp,${images.url('/later.jpg')}`]);
      const first = await imageBatch(['submit', csv, '--wait', '--interval', '0.2']);
      const requestId = requestIdIn(first);
      expect(first.exitCode).toBe(1);

      laterImageUp = true;
      const retry = await imageBatch(['retry', requestId, '--wait', '--interval', '0.2']);

      expect(retry).toMatchObject({ exitCode: 0 });
      expect(retry.stdout).toMatch(
        new RegExp(`^Retrying request ${requestId}: 1 of 1 images to process again\n`),
      );
      expect(retry.stdout).toMatch(/^Status +Completed$/m);
      expect(retry.stdout).toMatch(/^Images +1\/1 processed \(100%\): 1 succeeded, 0 failed$/m);
      expect(retry.stderr.trimEnd().split('\n').at(-1)).toMatch(
        /^\[\d+:\d\d\] Completed: 1\/1 images \(100%\), 0 failed$/,
      );
      expect(await getStatus(service.baseUrl, requestId, keyHeader)).toMatchObject({ retries: 1 });
    });

    it('deletes a request, after which it is unknown: exit 4', async () => {
      const csv = `${HEADER}\n1,Shoes,${images.url('/front.jpg')}\n`;
      const [textId, jsonId] = await Promise.all([
        uploadCsv(service.baseUrl, csv, { headers: keyHeader }),
        uploadCsv(service.baseUrl, csv, { headers: keyHeader }),
      ]);

      const deleted = await imageBatch(['delete', textId]);
      const deletedJson = await imageBatch(['delete', jsonId, '--json']);
      const status = await imageBatch(['status', textId]);
      const again = await imageBatch(['delete', textId]);

      expect(deleted).toMatchObject({ exitCode: 0, stderr: '' });
      expect(deleted.stdout).toBe(`Deleted request ${textId} (products.csv)\n`);
      expect(deletedJson.exitCode).toBe(0);
      expect(JSON.parse(deletedJson.stdout)).toMatchObject({ request_id: jsonId });
      expect(status.exitCode).toBe(4);
      expect(again).toMatchObject({
        exitCode: 4,
        stdout: '',
        stderr: `The service answered 404: No request with id ${textId}\n`,
      });
      expect(await requestIds()).not.toContain(textId);
    });
  });

  it('exits 2 with a short explanation when the command line is wrong', async () => {
    const runs = await Promise.all([
      imageBatch([]),
      imageBatch(['submit']),
      imageBatch(['submit', 'no-such-file.csv']),
      imageBatch(['status', '--wait', '00000000-0000-4000-8000-000000000000']),
    ]);

    expect(runs.map((run) => run.exitCode)).toEqual([2, 2, 2, 2]);
    expect(runs.map((run) => run.stderr.split('\n')[0])).toEqual([
      'Usage: image-batch <command> [options]',
      'submit needs the CSV file: image-batch submit <file.csv>',
      'Cannot read no-such-file.csv: there is no such file or folder',
      'status does not take --wait',
    ]);
  });
});
