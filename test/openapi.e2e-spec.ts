import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { OPENAPI_PATH, renderOpenApiJson } from '../scripts/openapi-document';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

const ROOT = resolve(__dirname, '..');

describe('The committed OpenAPI document', () => {
  let service: TestApp;

  beforeAll(async () => {
    service = await startTestApp(await testEnvironment());
  });

  afterAll(async () => {
    await service.close();
    await removeTestData(service.env);
  });

  it('is what the controllers describe (run `npm run openapi` after changing them)', async () => {
    expect(await renderOpenApiJson()).toBe(readFileSync(OPENAPI_PATH, 'utf8'));
  });

  it('is what the running service serves at /docs-json, so no controller is left out', async () => {
    const served = await request(service.baseUrl).get('/docs-json').expect(200);

    expect(`${JSON.stringify(served.body, null, 2)}\n`).toBe(readFileSync(OPENAPI_PATH, 'utf8'));
  });

  // swagger-parser is an ES module that Jest cannot load, so the check runs in its own process.
  it('passes swagger-parser validation', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'scripts/generate-openapi.ts', '--check'],
      { cwd: ROOT },
    );

    expect(stdout).toContain('openapi.json is valid');
    expect(stdout).toContain('openapi.json is up to date');
  });
});
