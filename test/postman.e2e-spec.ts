import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewmanRunOptions, NewmanRunSummary, run } from 'newman';
import { COLLECTION_PATH, EXAMPLE_CSV } from '../scripts/generate-postman';
import { jpegPhoto, pngPhoto } from './helpers/fixture-images';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

const runNewman = (options: NewmanRunOptions) =>
  new Promise<NewmanRunSummary>((resolve, reject) => {
    run(options, (error, summary) => (error ? reject(error) : resolve(summary)));
  });

describe('The Postman collection, run by newman against a live service with API keys', () => {
  let images: FixtureServer;
  let service: TestApp;
  let workingDir: string;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const front = images.file('/front.jpg', await jpegPhoto(400, 300, 95, 1), 'image/jpeg');
    const side = images.file('/side.png', await pngPhoto(200, 150, 2), 'image/png');
    workingDir = mkdtempSync(join(tmpdir(), 'newman-'));
    writeFileSync(
      join(workingDir, EXAMPLE_CSV),
      `S. No.,Product Name,Input Image Urls\n1,Shoes,"${front}, ${side}"\n`,
    );
    service = await startTestApp(await testEnvironment({ API_KEYS: 'key-postman' }));
  });

  afterAll(async () => {
    await service.close();
    await images.stop();
    rmSync(workingDir, { recursive: true, force: true });
    await removeTestData(service.env);
  });

  it('uploads the CSV, polls until the request has finished and passes every assertion', async () => {
    const summary = await runNewman({
      collection: JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')) as object,
      workingDir,
      insecureFileRead: false,
      envVar: [
        { key: 'baseUrl', value: service.baseUrl },
        { key: 'apiKey', value: 'key-postman' },
      ],
      reporters: [],
      timeoutRequest: 10_000,
    });

    const failures = summary.run.failures.map(
      (failure) => `${failure.source?.name ?? '?'}: ${failure.error.message}`,
    );
    expect(failures).toEqual([]);
    // The status request runs again until the request has finished; the last answer counts.
    const last = (name: string) =>
      summary.run.executions.filter((execution) => execution.item.name.includes(name)).at(-1)
        ?.response;
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
    expect(outputCsv).toContain(
      `1,Shoes,"${images.url('/front.jpg')}, ${images.url('/side.png')}"`,
    );
    expect(outputCsv).toContain(`${service.baseUrl}/images/`);
  });
});
