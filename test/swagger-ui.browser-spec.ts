import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { jpegPhoto } from './helpers/fixture-images';
import { CHROMIUM, describeInChromium } from './helpers/chromium';
import { FixtureServer } from './helpers/fixture-server';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { STALL_MS, waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

const SCREENSHOT = resolve(__dirname, 'artifacts', 'swagger-upload.png');

describeInChromium('Swagger UI at /docs, in Chromium', () => {
  let images: FixtureServer;
  let receiver: WebhookReceiver;
  let service: TestApp;
  let browser: Browser;
  let csvDir: string;

  beforeAll(async () => {
    images = await new FixtureServer().start();
    const hat = images.file('/hat.jpg', await jpegPhoto(200, 150, 90), 'image/jpeg');
    csvDir = mkdtempSync(join(tmpdir(), 'swagger-ui-'));
    writeFileSync(
      join(csvDir, 'products.csv'),
      `S. No.,Product Name,Input Image Urls\n1,Hat,${hat}\n`,
    );
    receiver = await new WebhookReceiver().start();
    service = await startTestApp(await testEnvironment());
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await service.close();
    await images.stop();
    await receiver.stop();
    rmSync(csvDir, { recursive: true, force: true });
    await removeTestData(service.env);
  });

  it('uploads a CSV with "Try it out", shows the 202 answer and the webhook follows', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${service.baseUrl}/docs`);
    const upload = page.locator('#operations-upload-uploadCsv');

    await upload.locator('.opblock-summary').click();
    await upload.getByRole('button', { name: 'Try it out' }).click();
    const form = upload.locator('.opblock-section-request-body');
    await form.locator('input[type="file"]').setInputFiles(join(csvDir, 'products.csv'));
    // Swagger UI fills in the example URL; point it at the loopback receiver instead.
    await form.locator('input[placeholder="webhook_url"]').fill(receiver.url);
    await upload.getByRole('button', { name: 'Execute' }).click();

    const answer = upload.locator('.live-responses-table tbody tr.response').first();
    await answer.waitFor({ timeout: STALL_MS });
    const status = await answer.locator('.response-col_status').textContent();
    const body = await answer.locator('.response-col_description pre').first().textContent();
    await answer.scrollIntoViewIfNeeded();
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    expect(status?.trim()).toBe('202');
    const accepted = JSON.parse(body ?? '{}') as { request_id: string };
    expect(accepted).toEqual({
      request_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'Pending',
      status_url: `${service.baseUrl}/status/${accepted.request_id}`,
    });
    const [webhook] = await waitFor(() => receiver.received.length > 0 && receiver.received, {
      what: 'the webhook',
    });
    expect(webhook.json).toMatchObject({
      type: 'image_processing.completed',
      data: { request_id: accepted.request_id, status: 'Completed' },
    });
  });
});
