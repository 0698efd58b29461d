import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import request from 'supertest';
import { CHROMIUM, describeInChromium } from './helpers/chromium';
import { STALL_MS } from './helpers/wait-for';
import { removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';

const SCREENSHOT = resolve(__dirname, 'artifacts', 'queue-dashboard.png');
const PASSWORD = 'dashboard-password-1';

describeInChromium('Bull Board at /queues, in Chromium', () => {
  let service: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    // API only: nothing consumes the queue, so the uploaded jobs stay waiting on the board.
    service = await startTestApp(
      await testEnvironment({
        MODE: 'api',
        QUEUE_DASHBOARD: 'true',
        QUEUE_DASHBOARD_PASSWORD: PASSWORD,
      }),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await service.close();
    await removeTestData(service.env);
  });

  it('shows both queues and the waiting jobs of an upload to a signed-in browser', async () => {
    const csv =
      'S. No.,Product Name,Input Image Urls\n' +
      '1,Mug,"http://images.example/a.jpg, http://images.example/b.jpg"\n' +
      '2,Cup,http://images.example/c.jpg\n';
    await request(service.baseUrl)
      .post('/upload')
      .attach('file', Buffer.from(csv), 'products.csv')
      .expect(202);
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      httpCredentials: { username: 'admin', password: PASSWORD },
    });
    const page = await context.newPage();

    await page.goto(`${service.baseUrl}/queues/queue/images?status=waiting`);
    await page.getByText('Image batch queues').first().waitFor({ timeout: STALL_MS });
    await page.getByText('webhooks').first().waitFor();
    await page.getByText('compress-image').first().waitFor({ timeout: STALL_MS });
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(await page.getByText('compress-image').count()).toBe(3);
    await context.close();
  });
});
