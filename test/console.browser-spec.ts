import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { buildConsole } from '../scripts/build-console';
import { WebConsoleAssets } from '../src/web-console/web-console-assets';
import { uploadCsv } from './helpers/batch-client';
import { CONSOLE_POLICY, directivesOf } from './helpers/console-policy';
import { jpegPhoto, pngPhoto, webpPhoto } from './helpers/fixture-images';
import { CHROMIUM, describeInChromium } from './helpers/chromium';
import { FixtureServer } from './helpers/fixture-server';
import { Env, removeTestData, startTestApp, TestApp, testEnvironment } from './helpers/test-app';
import { STALL_MS, waitFor } from './helpers/wait-for';
import { WebhookReceiver } from './helpers/webhook-receiver';

const ARTIFACTS = resolve(__dirname, 'artifacts');

/** Problems the page reports: script errors and anything the content security policy refused. */
interface PageProblems {
  errors: string[];
}

async function openConsole(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1280, height: 1000 },
): Promise<[Page, PageProblems]> {
  const context = await browser.newContext({
    viewport,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: PageProblems = { errors: [] };
  page.on('pageerror', (error) => problems.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      problems.errors.push(message.text());
    }
  });
  const response = await page.goto(`${baseUrl}/`);
  expect(directivesOf(response?.headers()['content-security-policy'])).toEqual(CONSOLE_POLICY);
  return [page, problems];
}

async function startConsoleApp(assets: string, overrides: Env = {}): Promise<TestApp> {
  return startTestApp(
    await testEnvironment({ DOWNLOAD_TIMEOUT_MS: '30000', QUALITY_SCORE: 'true', ...overrides }),
    {
      override: (builder) =>
        builder.overrideProvider(WebConsoleAssets).useValue(new WebConsoleAssets(assets)),
    },
  );
}

const progressOf = async (page: Page) => {
  const progress = page.locator('#request-progress');
  return [Number(await progress.getAttribute('value')), Number(await progress.getAttribute('max'))];
};

/**
 * Resolves once the original and compressed thumbnails of every compressed image are shown,
 * scrolled into view since they load lazily. The rows may be drawn again meanwhile (the
 * request's last events), which detaches the row being scrolled to: then the next look tries
 * again.
 */
const thumbnailsShown = async (page: Page) =>
  waitFor(
    async () => {
      const scrolled = await page
        .locator('#images-body tr')
        .last()
        .scrollIntoViewIfNeeded({ timeout: 2000 })
        .then(
          () => true,
          () => false,
        );
      if (!scrolled) return false;
      const widths = await page
        .locator('tr.image-completed img.thumb')
        .evaluateAll((images: { naturalWidth: number }[]) =>
          images.map((image) => image.naturalWidth),
        );
      return widths.length > 0 && widths.every((width) => width > 0);
    },
    { what: 'the thumbnails' },
  );

/** An image that the fixture server sends only once the test releases it. */
function heldImage(
  server: FixtureServer,
  path: string,
  body: Buffer,
  contentType: string,
): { url: string; release: () => void } {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const url = server.route(path, (_, response) => {
    void released.then(() => response.writeHead(200, { 'Content-Type': contentType }).end(body));
  });
  return { url, release };
}

describeInChromium('The web console at /, in Chromium', () => {
  let images: FixtureServer;
  let receiver: WebhookReceiver;
  let assets: string;
  let browser: Browser;
  let hat: string;
  let scarf: { url: string; release: () => void };
  let cap: { url: string; release: () => void };
  let belt: { url: string; release: () => void };
  let missing: string;
  let sock: string;

  beforeAll(async () => {
    assets = mkdtempSync(join(tmpdir(), 'console-assets-'));
    await buildConsole(assets);
    images = await new FixtureServer().start();
    hat = images.file('/hat.jpg', await jpegPhoto(400, 300, 92), 'image/jpeg');
    scarf = heldImage(images, '/scarf.png', await pngPhoto(240, 180), 'image/png');
    cap = heldImage(images, '/cap.jpg', await jpegPhoto(200, 150, 90, 4), 'image/jpeg');
    belt = heldImage(images, '/belt.jpg', await jpegPhoto(160, 120, 90, 5), 'image/jpeg');
    missing = images.url('/missing.jpg');
    sock = images.file('/sock.webp', await webpPhoto(320, 240, 80), 'image/webp');
    receiver = await new WebhookReceiver().start();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await images.stop();
    await receiver.stop();
    rmSync(assets, { recursive: true, force: true });
  });

  describe('without API keys', () => {
    let service: TestApp;
    let csvDir: string;

    beforeAll(async () => {
      service = await startConsoleApp(assets, { OUTPUT_VARIANTS: 'webp' });
      csvDir = mkdtempSync(join(tmpdir(), 'console-csv-'));
      writeFileSync(
        join(csvDir, 'products.csv'),
        'S. No.,Product Name,Input Image Urls\n' +
          `1,Hat,"${hat}, ${missing}"\n` +
          `2,Scarf,${scarf.url}\n` +
          `3,Hat again,${hat}\n`,
      );
      writeFileSync(
        join(csvDir, 'broken.csv'),
        'S. No.,Product Name,Input Image Urls\n1,,http://images.example/a.jpg\n2,Mug,ftp://x\n',
      );
    });

    afterAll(async () => {
      await service.close();
      rmSync(csvDir, { recursive: true, force: true });
      await removeTestData(service.env);
    });

    it('uploads a CSV from the file input and follows it live to 100%', async () => {
      const [page, problems] = await openConsole(browser, service.baseUrl);
      await page.getByLabel('CSV file').setInputFiles(join(csvDir, 'products.csv'));
      await page.getByLabel(/Webhook URL/).fill(receiver.url);
      await page.getByRole('button', { name: 'Upload' }).click();

      await page.waitForURL(/#\/requests\/[0-9a-f-]{36}$/);
      const requestId = new URL(page.url()).hash.split('/').pop() ?? '';
      // The scarf is held back, so the page shows the request part of the way.
      await page.getByText(/^3 of 4 images processed/).waitFor({ timeout: STALL_MS });
      expect(await page.locator('#request-status').textContent()).toBe('Processing');
      expect(await progressOf(page)).toEqual([3, 4]);
      await page.screenshot({ path: join(ARTIFACTS, 'console-live.png'), fullPage: true });

      scarf.release();
      await page
        .locator('#request-status', { hasText: 'Completed' })
        .waitFor({ timeout: STALL_MS });
      expect(await progressOf(page)).toEqual([4, 4]);
      expect(await page.locator('#progress-text').textContent()).toBe(
        '4 of 4 images processed (100%): 3 compressed, 1 failed, 0 waiting.',
      );
      const failed = page.locator('tr.image-failed');
      await expect(failed.textContent()).resolves.toContain('Download failed with HTTP 404');
      await failed.getByRole('img', { name: 'Original of Hat, image 2: not available' }).waitFor();
      const reused = page.locator('tr', { hasText: 'Hat again' });
      await expect(reused.textContent()).resolves.toContain(
        'Same URL as row 1, image 1: result reused',
      );
      await thumbnailsShown(page);
      await page.locator('#request-savings', { hasText: 'saved' }).waitFor();
      await page.locator('#request-webhook', { hasText: 'Delivered' }).waitFor();
      const listed = page.locator('#recent-body tr', { hasText: requestId });
      await listed.locator('a[aria-current="page"]').waitFor();
      await listed.getByText('Completed').waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'console-finished.png'), fullPage: true });

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download output CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`${requestId}.csv`);
      const csv = readFileSync((await download.path()) ?? '', 'utf8');
      expect(csv).toMatch(/^S\. No\.,Product Name,Input Image Urls,Output Image Urls\r\n/);

      await page
        .locator('#request-scores', { hasText: /mean 0\.\d{4}, lowest 0\.\d{4}/ })
        .waitFor();
      const [report] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download report CSV' }).click(),
      ]);
      expect(report.suggestedFilename()).toBe(`${requestId}-report.csv`);
      const reportCsv = readFileSync((await report.path()) ?? '', 'utf8');
      expect(reportCsv).toMatch(/^S\. No\.,Product Name,Position,Input Image Url,/);
      expect(problems.errors).toEqual([]);
      await page.context().close();
    });

    it('fits a 390 px wide phone, and keeps the upload, the request and its images in view', async () => {
      const phone = { width: 390, height: 844 };
      const [page, problems] = await openConsole(browser, service.baseUrl, phone);
      writeFileSync(
        join(csvDir, 'socks and hats.csv'),
        `S. No.,Product Name,Input Image Urls\n1,Sock,"${sock}, ${hat}"\n2,Odd sock,${missing}\n`,
      );
      await page.getByLabel('CSV file').setInputFiles(join(csvDir, 'socks and hats.csv'));
      await page.getByRole('button', { name: 'Upload' }).click();

      await page.waitForURL(/#\/requests\/[0-9a-f-]{36}$/);
      const requestId = new URL(page.url()).hash.split('/').pop() ?? '';
      // The request panel is brought to the top of the window, not left below the upload form.
      await page.waitForFunction(
        "Math.abs(document.getElementById('request-view').getBoundingClientRect().top) < 2",
        undefined,
        { timeout: STALL_MS },
      );
      expect(await page.evaluate<number>('window.scrollY')).toBeGreaterThan(0);
      await page
        .locator('#request-status', { hasText: 'Completed' })
        .waitFor({ timeout: STALL_MS });
      await expect(page.locator('#upload-state').textContent()).resolves.toBe(
        `Uploaded. Request ${requestId} is Completed.`,
      );

      const sockRow = page.locator('#images-body tr', { hasText: 'row 1, image 1' });
      await expect(sockRow.locator('td.quality').textContent()).resolves.toMatch(
        /^unknown \(WebP does not record it\) → \d+ WEBP/,
      );
      const hatRow = page.locator('#images-body tr', { hasText: 'row 1, image 2' });
      await expect(hatRow.locator('td.quality').textContent()).resolves.toMatch(/^\d+ → \d+ JPEG/);

      const listed = page.locator(`#recent-body tr:has(a[data-request-id="${requestId}"])`);
      await listed.waitFor({ timeout: STALL_MS });
      await expect(listed.locator('a').textContent()).resolves.toBe('socks and hats.csv');
      await expect(listed.textContent()).resolves.toContain(`3 images · ${requestId}`);
      // The row is drawn again on each of the request's events: wait for its last drawing.
      const processed = listed.locator('td[data-label="Processed"]', {
        hasText: '100% (3 of 3, 1 failed)',
      });
      await processed.waitFor({ timeout: STALL_MS });
      await processed.scrollIntoViewIfNeeded();
      const box = await processed.boundingBox();
      expect(box).not.toBeNull();
      expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= phone.width).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'console-390px.png'), fullPage: true });
      expect(
        await page.evaluate<number[]>(
          '[document.documentElement.scrollWidth, document.body.scrollWidth]',
        ),
      ).toEqual([phone.width, phone.width]);

      // A thumbnail opens the pair at full size; Escape closes it.
      await thumbnailsShown(page);
      await hatRow.getByRole('button', { name: 'Compressed Sock, image 2' }).click();
      const viewer = page.getByRole('dialog', { name: 'Sock, image 2' });
      await viewer.waitFor();
      const sizes = () =>
        viewer
          .locator('img')
          .evaluateAll((shown: { alt: string; naturalWidth: number }[]) =>
            shown.map((image) => [image.alt, image.naturalWidth]),
          );
      await waitFor(async () => (await sizes()).every(([, width]) => width === 400), {
        what: 'the full-size pair',
      });
      expect(await sizes()).toEqual([
        ['Original of Sock, image 2', 400],
        ['Compressed Sock, image 2', 400],
      ]);
      await expect(viewer.textContent()).resolves.toMatch(
        /Before.*quality \d+.*After.*quality \d+ JPEG/s,
      );
      await page.screenshot({ path: join(ARTIFACTS, 'console-image-pair.png') });

      // The format switch shows the WebP variant in the After place, and back.
      const formats = viewer.getByRole('group', { name: 'Compressed format' });
      await formats.getByRole('button', { name: 'WebP' }).click();
      await waitFor(async () => (await sizes()).at(1)?.[1] === 400, { what: 'the WebP variant' });
      expect(await sizes()).toEqual([
        ['Original of Sock, image 2', 400],
        ['WebP of Sock, image 2', 400],
      ]);
      await expect(viewer.textContent()).resolves.toMatch(
        /After.*quality \d+, score 0\.\d{4} WebP/s,
      );
      await expect(
        formats.getByRole('button', { name: 'WebP' }).getAttribute('aria-pressed'),
      ).resolves.toBe('true');
      await formats.getByRole('button', { name: 'JPEG' }).click();
      await waitFor(async () => (await sizes()).at(1)?.[0] === 'Compressed Sock, image 2', {
        what: 'the JPEG again',
      });
      await page.keyboard.press('Escape');
      await viewer.waitFor({ state: 'hidden' });
      // The dialog's close event, which drops the pair, is queued after it hides.
      await waitFor(async () => (await page.locator('#image-viewer img').count()) === 0, {
        what: 'the pair to be dropped',
      });
      expect(problems.errors).toEqual([]);
      await page.context().close();
    });

    it('falls back to polling the status when the event stream keeps failing', async () => {
      const [page, problems] = await openConsole(browser, service.baseUrl);
      await page.route('**/events', (route) => route.abort());
      const requestId = await uploadCsv(
        service.baseUrl,
        `S. No.,Product Name,Input Image Urls\n1,Belt,${belt.url}\n`,
      );
      await page.goto(`${service.baseUrl}/#/requests/${requestId}`);

      await page
        .locator('#request-connection', { hasText: 'Live updates unavailable' })
        .waitFor({ timeout: STALL_MS });
      belt.release();
      await page
        .locator('#request-status', { hasText: 'Completed' })
        .waitFor({ timeout: STALL_MS });
      expect(await progressOf(page)).toEqual([1, 1]);
      expect(problems.errors).toEqual([]);
      await page.context().close();
    });

    it('cancels, retries and deletes a request through its buttons, each asked first', async () => {
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const bag = await jpegPhoto(80, 60, 90, 6);
      const rows = Array.from({ length: 30 }, (_, index) => {
        const url = images.route(`/bag-${index}.jpg`, (_, response) => {
          void released.then(() =>
            response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(bag),
          );
        });
        return `${index + 1},Bag ${index + 1},${url}`;
      });
      const requestId = await uploadCsv(
        service.baseUrl,
        ['S. No.,Product Name,Input Image Urls', ...rows, ''].join('\n'),
      );
      const [page, problems] = await openConsole(browser, service.baseUrl);
      const questions: string[] = [];
      page.on('dialog', (dialog) => {
        questions.push(dialog.message());
        void dialog.accept();
      });
      await page.goto(`${service.baseUrl}/#/requests/${requestId}`);
      const button = (name: string) => page.getByRole('button', { name, exact: true });
      await button('Cancel').waitFor({ timeout: STALL_MS });
      expect(await button('Retry failed').isHidden()).toBe(true);
      expect(await button('Delete').isVisible()).toBe(true);

      await button('Cancel').click();
      await button('Cancel').waitFor({ state: 'hidden', timeout: STALL_MS });
      release();
      await page
        .locator('#request-status', { hasText: 'Cancelled' })
        .waitFor({ timeout: STALL_MS });
      expect(questions).toEqual([expect.stringMatching(/^Cancel this request\?/)]);

      await button('Retry failed').click();
      await page
        .locator('#request-status', { hasText: 'Completed' })
        .waitFor({ timeout: STALL_MS });
      expect(await progressOf(page)).toEqual([30, 30]);
      expect(await button('Retry failed').isHidden()).toBe(true);
      const listed = page.locator('#recent-body tr', { hasText: requestId });
      await listed.waitFor({ timeout: STALL_MS });

      await button('Delete').click();
      await page.waitForURL(/#\/$/);
      await listed.waitFor({ state: 'detached', timeout: STALL_MS });
      expect(await page.locator('#request-view').isHidden()).toBe(true);
      expect(questions.slice(1)).toEqual([
        expect.stringMatching(
          /^Process the \d+ failed or cancelled images of this request again\?$/,
        ),
        expect.stringMatching(/^Delete this request/),
      ]);
      const status = await fetch(`${service.baseUrl}/status/${requestId}`);
      expect(status.status).toBe(404);
      expect(problems.errors).toEqual([]);
      await page.context().close();
    });

    it('lists every problem of a refused CSV by line and column', async () => {
      const [page, problems] = await openConsole(browser, service.baseUrl);
      await page.getByLabel('CSV file').setInputFiles(join(csvDir, 'broken.csv'));
      await page.getByRole('button', { name: 'Upload' }).click();

      const error = page.locator('#upload-error');
      await error.getByText('The upload was refused: The CSV file is not valid').waitFor();
      const problemsListed = await error.locator('li').allTextContents();
      expect(problemsListed).toEqual([
        expect.stringMatching(/^Line 2, column “Product Name”: /),
        expect.stringMatching(/^Line 3, column “Input Image Urls”: .*ftp:\/\/x/),
      ]);
      await page.screenshot({ path: join(ARTIFACTS, 'console-csv-errors.png') });
      expect(problems.errors).toEqual([]);
      await page.context().close();
    });

    it('works from the keyboard, with every control labelled', async () => {
      const [page] = await openConsole(browser, service.baseUrl);
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').textContent()).toBe('Skip to content');
      const controls = await page
        .locator('input, progress')
        .evaluateAll((elements: { id: string }[]) => elements.map((element) => element.id));
      for (const id of controls) {
        expect(await page.locator(`label[for="${id}"]`).count()).toBe(1);
      }
      await page.getByLabel('CSV file').focus();
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').getAttribute('id')).toBe('webhook-url');
      await page.context().close();
    });
  });

  describe('with API keys, and images and outputs served from a public base URL', () => {
    let service: TestApp;
    let publicFiles: FixtureServer;

    beforeAll(async () => {
      // A stand-in for a CDN in front of the storage: every stored object, with no API key.
      publicFiles = await new FixtureServer().start();
      const env = await testEnvironment({
        DOWNLOAD_TIMEOUT_MS: '30000',
        API_KEYS: 'key-carol',
        IMAGE_DELIVERY: 'public',
        IMAGE_PUBLIC_BASE_URL: publicFiles.baseUrl,
      });
      const root = resolve(env.STORAGE_DIR);
      publicFiles.otherwise((request, response) => {
        const path = join(root, decodeURIComponent((request.url ?? '/').split('?')[0]));
        if (!path.startsWith(`${root}/`) || !existsSync(path)) {
          return void response.writeHead(404).end();
        }
        const csv = path.endsWith('.csv');
        response
          .writeHead(200, {
            'Content-Type': csv ? 'text/csv' : 'image/jpeg',
            ...(csv ? { 'Content-Disposition': 'attachment' } : {}),
          })
          .end(readFileSync(path));
      });
      service = await startTestApp(env, {
        override: (builder) =>
          builder.overrideProvider(WebConsoleAssets).useValue(new WebConsoleAssets(assets)),
      });
    });

    afterAll(async () => {
      await service.close();
      await publicFiles.stop();
      await removeTestData(service.env);
    });

    it('shows the compressed images and downloads the output CSV from there', async () => {
      const [page, problems] = await openConsole(browser, service.baseUrl);
      const publicBase = service.env.IMAGE_PUBLIC_BASE_URL;
      await page.getByLabel('API key').fill('key-carol');
      await page.getByRole('button', { name: 'Use key' }).click();
      await page.getByLabel('CSV file').setInputFiles({
        name: 'products.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`S. No.,Product Name,Input Image Urls\n1,Hat,${hat}\n`),
      });
      await page.getByRole('button', { name: 'Upload' }).click();
      await page
        .locator('#request-status', { hasText: 'Completed' })
        .waitFor({ timeout: STALL_MS });

      await thumbnailsShown(page);
      const compressed = page.locator('tr.image-completed td:nth-child(4) img');
      expect(
        await compressed.evaluateAll((images: { src: string }[]) =>
          images.map((image) => image.src),
        ),
      ).toEqual([expect.stringMatching(new RegExp(`^${publicBase}/`))]);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download output CSV' }).click(),
      ]);
      expect(download.url()).toMatch(new RegExp(`^${publicBase}/`));
      const csv = readFileSync((await download.path()) ?? '', 'utf8');
      expect(csv).toContain(`1,Hat,${hat},${publicBase}/`);
      expect(problems.errors).toEqual([]);
      await page.context().close();
    });
  });

  describe('with API keys', () => {
    let service: TestApp;
    let csvDir: string;

    beforeAll(async () => {
      service = await startConsoleApp(assets, { API_KEYS: 'key-alice,key-bob' });
      csvDir = mkdtempSync(join(tmpdir(), 'console-csv-'));
      writeFileSync(
        join(csvDir, 'products.csv'),
        `S. No.,Product Name,Input Image Urls\n1,Hat,"${hat}, ${missing}"\n2,Cap,${cap.url}\n`,
      );
    });

    afterAll(async () => {
      await service.close();
      rmSync(csvDir, { recursive: true, force: true });
      await removeTestData(service.env);
    });

    it('takes the key typed into the page and shows only its requests', async () => {
      const bobsRequest = await uploadCsv(
        service.baseUrl,
        `S. No.,Product Name,Input Image Urls\n1,Cap,${hat}\n`,
        { headers: { 'X-API-Key': 'key-bob' } },
      );
      const [page, problems] = await openConsole(browser, service.baseUrl);
      const eventRequests: (string | undefined)[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/events')) {
          eventRequests.push(request.headers()['x-api-key']);
        }
      });
      await page.locator('#recent-error', { hasText: 'needs an API key' }).waitFor();

      await page.getByLabel('API key').fill('key-alice');
      await page.getByRole('button', { name: 'Use key' }).click();
      await page.getByLabel('CSV file').setInputFiles(join(csvDir, 'products.csv'));
      await page.getByRole('button', { name: 'Upload' }).click();

      // The cap is held back until the page follows the request's events.
      await page.locator('#request-connection', { hasText: 'Live' }).waitFor({ timeout: STALL_MS });
      cap.release();
      await page
        .locator('#request-status', { hasText: 'Completed' })
        .waitFor({ timeout: STALL_MS });
      const requestId = new URL(page.url()).hash.split('/').pop() ?? '';
      expect(await progressOf(page)).toEqual([3, 3]);
      await expect(page.locator('tr.image-failed').textContent()).resolves.toContain(
        'Download failed with HTTP 404',
      );
      await thumbnailsShown(page);
      const compressed = page.locator('tr.image-completed td:nth-child(4) img');
      expect(
        await compressed.evaluateAll((images: { src: string }[]) =>
          images.map((image) => image.src),
        ),
      ).toEqual([expect.stringMatching(/^blob:/), expect.stringMatching(/^blob:/)]);
      await page.locator(`#recent-body a[data-request-id="${requestId}"]`).waitFor();
      expect(await page.locator('#recent-body').textContent()).not.toContain(bobsRequest);
      expect(eventRequests.length).toBeGreaterThan(0);
      expect(eventRequests.every((key) => key === 'key-alice')).toBe(true);
      expect(page.url()).not.toContain('key-alice');
      expect(await page.evaluate<string[]>('Object.values(sessionStorage)')).toContain('key-alice');
      await page.screenshot({ path: join(ARTIFACTS, 'console-api-key.png'), fullPage: true });

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download output CSV' }).click(),
      ]);
      expect(readFileSync((await download.path()) ?? '', 'utf8')).toContain('1,Hat,');
      expect(problems.errors).toEqual([]);
      await page.context().close();
    });

    it('shows another key’s request as not found', async () => {
      const bobsRequest = await uploadCsv(
        service.baseUrl,
        `S. No.,Product Name,Input Image Urls\n1,Cap,${hat}\n`,
        { headers: { 'X-API-Key': 'key-bob' } },
      );
      const [page] = await openConsole(browser, service.baseUrl);
      await page.getByLabel('API key').fill('key-alice');
      await page.getByRole('button', { name: 'Use key' }).click();
      await page.goto(`${service.baseUrl}/#/requests/${bobsRequest}`);

      await page
        .locator('#request-error', { hasText: `No request with id ${bobsRequest}` })
        .waitFor();
      expect(await page.locator('#progress-text').textContent()).toBe('');
      await page.context().close();
    });
  });
});
