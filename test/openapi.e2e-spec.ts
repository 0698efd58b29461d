import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { OPENAPI_PATH, renderOpenApiJson } from '../scripts/openapi-document';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

const ROOT = resolve(__dirname, '..');

const committedDocument = () => JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenAPIObject;

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

  it("carries the service's version, from package.json", () => {
    const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };

    expect(committedDocument().info.version).toBe(version);
  });

  it('asks for no API key on the open endpoints, and for one everywhere else', () => {
    const document = committedDocument();
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        security: (operation as { security?: unknown }).security,
      })),
    );

    expect(operations.filter(({ security }) => security !== undefined)).toEqual([
      { route: 'GET /health/live', security: [] },
      { route: 'GET /health/ready', security: [] },
    ]);
    expect(document.security).toEqual([{ bearer: [] }, { apiKey: [] }, {}]);
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
