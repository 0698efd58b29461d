import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request, { Response } from 'supertest';
import { WebConsoleAssets } from '../src/web-console/web-console-assets';
import { CONSOLE_POLICY, directivesOf as policyDirectives } from './helpers/console-policy';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

/** A response's policy as a sorted list of directives, so that order does not matter either. */
const directivesOf = (response: Response): string[] =>
  policyDirectives(String(response.headers['content-security-policy'])).sort();

const withChanges = (changes: Record<string, string>): string[] => {
  const policy = new Map(CONSOLE_POLICY.map((directive) => [directive.split(' ')[0], directive]));
  for (const [name, sources] of Object.entries(changes)) policy.set(name, `${name} ${sources}`);
  return [...policy.values()].sort();
};

describe('Security headers', () => {
  let service: TestApp;
  let consoleDir: string;

  beforeAll(async () => {
    consoleDir = mkdtempSync(join(tmpdir(), 'console-'));
    writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><title>Console</title>');
    service = await startTestApp(
      await testEnvironment({
        QUEUE_DASHBOARD: 'true',
        QUEUE_DASHBOARD_PASSWORD: 'dashboard-password-1',
      }),
      {
        override: (builder) =>
          builder.overrideProvider(WebConsoleAssets).useValue(new WebConsoleAssets(consoleDir)),
      },
    );
  });

  afterAll(async () => {
    await service.close();
    rmSync(consoleDir, { recursive: true, force: true });
    await removeTestData(service.env);
  });

  const get = (path: string) => request(service.baseUrl).get(path);

  function expectHelmetHeaders(response: Response): void {
    expect(response.headers).toMatchObject({
      'cross-origin-opener-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'DENY',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  }

  it("sends the web console at / with the console's policy", async () => {
    const response = await get('/')
      .expect(200)
      .expect('Content-Type', /text\/html/);

    expectHelmetHeaders(response);
    expect(directivesOf(response)).toEqual([...CONSOLE_POLICY].sort());
    expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
  });

  it('sends them with JSON API answers, errors included', async () => {
    for (const response of [
      await get('/requests').expect(200).expect('Content-Type', /json/),
      await get('/status/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a').expect(404),
      await request(service.baseUrl).post('/upload').expect(400),
    ]) {
      expectHelmetHeaders(response);
      expect(directivesOf(response)).toEqual([...CONSOLE_POLICY].sort());
      expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it('gives Swagger UI at /docs inline styles, and images from itself only', async () => {
    for (const path of ['/docs', '/docs/swagger-ui-init.js']) {
      const response = await get(path).expect(200);

      expectHelmetHeaders(response);
      expect(directivesOf(response)).toEqual(
        withChanges({ 'style-src': "'self' 'unsafe-inline'", 'img-src': "'self' data: blob:" }),
      );
    }
  });

  it('lets Bull Board at /queues use inline styles and Google Fonts', async () => {
    const response = await get('/queues').expect(401);

    expectHelmetHeaders(response);
    expect(directivesOf(response)).toEqual(
      withChanges({
        'style-src': "'self' 'unsafe-inline' https://fonts.googleapis.com",
        'font-src': "'self' https://fonts.gstatic.com",
        'img-src': "'self' data:",
      }),
    );
  });

  it('lets any site embed the compressed images, and only them', async () => {
    const image = await get('/images/3f1c2a9e-5b7d-4c1e-9a42-0d6b8f1e2c3a/1-1.jpg').expect(404);
    const lookalike = await get('/images-list').expect(404);

    expectHelmetHeaders(image);
    expect(image.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(lookalike.headers['cross-origin-resource-policy']).toBe('same-origin');
  });
});
