import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewmanRunOptions, NewmanRunSummary, run } from 'newman';
import { generateSampleImages, sampleCsv } from '../scripts/demo/sample-catalogue';
import { SampleImageServer } from '../scripts/demo/sample-image-server';
import { COLLECTION_PATH, EXAMPLE_CSV } from '../scripts/generate-postman';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

/** Status polls, half a second apart: more than jest's timeout lets a run last. */
const STATUS_POLLS_FOR_AN_HOUR = 7_200;

const runNewman = (options: NewmanRunOptions) =>
  new Promise<NewmanRunSummary>((resolve, reject) => {
    run(options, (error, summary) => (error ? reject(error) : resolve(summary)));
  });

describe('The Postman collection, run by newman against a live service with API keys', () => {
  let images: SampleImageServer;
  let service: TestApp;
  let workingDir: string;

  /** Runs the collection with `csv` as its example CSV; returns the failures and the run. */
  async function runCollection(csv: string) {
    writeFileSync(join(workingDir, EXAMPLE_CSV), csv);
    const summary = await runNewman({
      collection: JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as object,
      workingDir,
      insecureFileRead: false,
      envVar: [
        { key: 'baseUrl', value: service.baseUrl },
        { key: 'apiKey', value: 'key-postman' },
        // A busy machine makes the batch slower, not stuck: jest's timeout ends a hung run.
        { key: 'statusPollLimit', value: String(STATUS_POLLS_FOR_AN_HOUR) },
      ],
      reporters: [],
      timeoutRequest: 10_000,
    });
    const failures = summary.run.failures.map(
      (failure) => `${failure.source?.name ?? '?'}: ${failure.error.message}`,
    );
    // The status request runs again until the request has finished; the last answer counts.
    const last = (name: string) =>
      summary.run.executions.filter((execution) => execution.item.name.includes(name)).at(-1)
        ?.response;
    return { failures, summary, last };
  }

  beforeAll(async () => {
    images = await SampleImageServer.start(await generateSampleImages(), 0);
    workingDir = mkdtempSync(join(tmpdir(), 'newman-'));
    service = await startTestApp(await testEnvironment({ API_KEYS: 'key-postman' }));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    rmSync(workingDir, { recursive: true, force: true });
    await removeTestData(service.env);
  });

  it('uploads the sample CSV, polls until it has completed and passes every assertion', async () => {
    const csv = sampleCsv(images.baseUrl);

    const { failures, summary, last } = await runCollection(csv);

    expect(failures).toEqual([]);
    expect(last('Upload')?.code).toBe(202);
    expect(last('Processing status')?.code).toBe(200);
    expect(last('output CSV')?.code).toBe(200);
    expect(last('compressed image')?.code).toBe(200);
    expect(last('Liveness')?.code).toBe(200);
    expect(summary.run.stats.assertions).toMatchObject({
      total: summary.run.executions.length,
      failed: 0,
    });
    const outputCsv = last('output CSV')?.text() ?? '';
    for (const row of csv.trim().split('\n').slice(1)) {
      expect(outputCsv).toContain(`${row},"${service.baseUrl}/images/`);
    }
  });

  it('fails when the batch does not complete', async () => {
    const missing = `${images.baseUrl}/no-such-photo.jpg`;

    const { failures } = await runCollection(
      `S. No.,Product Name,Input Image Urls\n1,Ghost,${missing}\n`,
    );

    expect(failures).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Processing status.*: expected 'Failed' to deeply equal 'Completed'/,
        ),
        expect.stringMatching(/^A compressed image: /),
      ]),
    );
  });
});
